/**
 * The Experiments view against the production build: define a tiny sweep (a baseline and one
 * marker run of nano), run it in the experiment worker, read the table and the findings, and find
 * them again after a reload.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright';
import { launch, openPage, shotPath } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('Experiments view', () => {
  it('runs a two-run nano sweep, shows the table and the findings, and keeps them across a reload', async () => {
    const { page, errors } = await openPage(browser, `${inject('baseUrl')}?view=experiments`);
    const panel = page.getByRole('tabpanel', { name: 'Experiments' });
    await panel.getByLabel('Preset').selectOption('nano');
    await panel.getByLabel('Compute').selectOption('wasm');
    await panel.getByLabel('Steps per run').fill('6');
    await panel.getByLabel('Batch size').fill('4');
    await panel.getByLabel('Dataset-level dropout rates (X)').fill('0.5');
    await panel.getByLabel('Sample-level dropout rates (Y)').fill('0.5');
    await panel.getByLabel('Seeds').fill('2');
    await panel.getByLabel('Prompts per length bucket').fill('1');
    await panel.getByLabel('Samples per prompt').fill('2');
    await panel.getByLabel('Max tokens per sample').fill('16');
    await panel.getByLabel('Rows for marker accuracy').fill('4');
    await panel.getByRole('button', { name: 'Run sweep' }).click();

    const rows = panel.getByRole('table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 180_000 }).toBe(2);
    expect(await rows.nth(0).getByRole('rowheader').textContent()).toBe('baseline');
    expect(await rows.nth(1).getByRole('rowheader').textContent()).toBe('markers');
    expect(await rows.nth(1).textContent()).toMatch(/\d+\.\d%/); // a measured accuracy
    const findings = panel.getByRole('list').filter({ hasText: 'inferred-marker accuracy' });
    expect(await findings.getByRole('listitem').count()).toBe(4);
    expect(await panel.getByText('2 of 2 runs done').count()).toBe(1);
    await page.screenshot({ path: shotPath('experiments'), fullPage: true });

    await page.reload();
    const again = page.getByRole('tabpanel', { name: 'Experiments' }).getByRole('table').locator('tbody tr');
    await expect.poll(() => again.count(), { timeout: 30_000 }).toBe(2);
    // Each run's checkpoint went to the saved checkpoints (Play and Compare can load it).
    await page.getByRole('tab', { name: /Train/ }).click();
    await expect.poll(() => page.getByText('sweep x0.5-y0.5-s2').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 300_000);
});
