/**
 * The Experiments view against the production build: define a tiny sweep (a baseline and one
 * marker run of nano), run it in the experiment worker, read the table, the findings and the
 * charts, export CSV and a chart PNG, and find the results again after a reload.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { launch, openPage, shotPath, waitForText } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const panelOf = (page: Page) => page.getByRole('tabpanel', { name: /Experiments/ });

describe('Experiments view (production build)', () => {
  it('runs a two-run nano sweep, shows the table, findings and charts, exports, and keeps them across a reload', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page.getByRole('tab', { name: /Experiments/ }).click();
    const panel = panelOf(page);
    await panel.getByRole('combobox', { name: 'Preset', exact: true }).selectOption('nano');
    // WebGPU here is SwiftShader (emulated); WASM keeps this short.
    await panel.getByRole('combobox', { name: 'Compute', exact: true }).selectOption('wasm');
    await panel.getByRole('spinbutton', { name: 'Steps per run' }).fill('8');
    // Measuring (validation losses per marker value over the validation rows) is most of a cell's
    // time; batches of 16 do it in a quarter of the calls that batches of 4 need.
    await panel.getByRole('spinbutton', { name: 'Batch size' }).fill('16');
    await panel.getByRole('textbox', { name: 'Dataset-level dropout rates (X)' }).fill('0.5');
    await panel.getByRole('textbox', { name: 'Sample-level dropout rates (Y)' }).fill('0.5');
    await panel.getByRole('textbox', { name: 'Seeds' }).fill('2');
    await panel.getByRole('spinbutton', { name: 'Prompts per length bucket' }).fill('1');
    await panel.getByRole('spinbutton', { name: 'Samples per prompt' }).fill('2');
    await panel.getByRole('spinbutton', { name: 'Max tokens per sample' }).fill('24');
    await panel.getByRole('spinbutton', { name: 'Rows for marker accuracy' }).fill('4');
    const started = Date.now();
    await panel.getByRole('button', { name: 'Run sweep' }).click();

    // Progress while it runs: which run, and the list of runs.
    const status = panel.getByRole('status', { name: 'Sweep progress' });
    await waitForText(page, errors, () => status.textContent(), /Run [12] of 2/, 120_000, 'experiments-running');
    await page.screenshot({ path: shotPath('experiments-running'), fullPage: true });

    const rows = panel.getByRole('table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 240_000, interval: 1000 }).toBe(2);
    await expect.poll(() => panel.getByText('2 of 2 runs done').count(), { timeout: 30_000 }).toBe(1);
    console.log(`nano sweep, 2 runs × 8 steps: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    expect(await rows.nth(0).getByRole('rowheader').textContent()).toBe('baseline');
    expect(await rows.nth(1).getByRole('rowheader').textContent()).toBe('markers');
    const marker = await rows.nth(1).getByRole('cell').allTextContents();
    expect(marker.slice(0, 3)).toEqual(['0.5', '0.5', '2']);
    expect(marker[3]).toMatch(/^\d+\.\d{3}$/); // validation loss
    expect(marker[4]).toMatch(/^\d+\.\d%$/); // mean inferred-marker accuracy, measured
    // Violations: a rate, or "–" when every sample was cut at 24 tokens before it ended (unjudgeable).
    expect(marker.slice(-3)).toEqual(['–', expect.stringMatching(/^(\d+\.\d%|–)$/), expect.stringMatching(/^(\d+\.\d%|–)$/)]);
    const base = await rows.nth(0).getByRole('cell').allTextContents();
    expect(base.slice(0, 5)).toEqual(['–', '–', '2', expect.stringMatching(/^\d+\.\d{3}$/), '–']); // a baseline writes no markers
    expect(base.slice(-3)).toEqual([expect.stringMatching(/^(\d+\.\d%|–)$/), '–', '–']);

    const findings = panel.getByRole('list', { name: 'Findings' }).getByRole('listitem');
    expect(await findings.count()).toBe(4);
    expect(await findings.nth(0).textContent()).toContain('not measured'); // no X=0 run in this sweep
    expect(await findings.nth(2).textContent()).toMatch(/(holds|does not hold|not measured).*samples on target with the row's markers/s);
    expect(await findings.nth(1).textContent()).toMatch(/(holds|does not hold|not measured).*length_bucket violation rate: baseline (\d+\.\d%|n\/a), inferred (\d+\.\d%|n\/a), fixed (\d+\.\d%|n\/a)/s);
    const chart = panel.getByRole('figure', { name: 'Length violation rate against X' });
    expect(await chart.textContent()).toMatch(/fixed mode: (X=0\.5 \d+\.\d%|not measured)/);
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0); // uPlot drew it

    // Exports: the CSV has a header and the two runs; the chart PNG is a PNG.
    const [csv] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(csv.suggestedFilename()).toBe('markerlab-sweep.csv');
    const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^x0\.5-y0\.5-s2,yes,0\.5,0\.5,2,8,/);
    const [png] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: /Save the chart/ }).click()]);
    expect(png.suggestedFilename()).toBe('markerlab-violations.png');
    expect([...readFileSync((await png.path())!).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    await png.saveAs(shotPath('experiments-chart-export'));

    await page.screenshot({ path: shotPath('experiments'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 800 });
    await page.screenshot({ path: shotPath('experiments-390'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });

    // A reload shows the stored results (IndexedDB), with nothing left to resume.
    await page.reload();
    await page.getByRole('tab', { name: /Experiments/ }).click();
    const again = panelOf(page).getByRole('table').locator('tbody tr');
    await expect.poll(() => again.count(), { timeout: 30_000 }).toBe(2);
    expect(await panelOf(page).getByText('2 of 2 runs done').count()).toBe(1);
    expect(await panelOf(page).getByRole('button', { name: /Resume sweep/ }).count()).toBe(0);
    expect(await panelOf(page).getByRole('list', { name: 'Findings' }).getByRole('listitem').count()).toBe(4);
    // Each run's checkpoint went to the saved checkpoints (Play and Compare can load it).
    await page.getByRole('tab', { name: /Train/ }).click();
    await expect.poll(() => page.getByText('sweep x0.5-y0.5-s2').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 420_000);
});
