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

/**
 * Train tab, nano from scratch, the given steps; validation (and autosave) every `every` steps.
 * Resuming after a reload is covered by test/dom/train-state.test.ts (the record, the autosave with
 * its optimizer state, the restored settings and backend) and test/browser/checkpoint-store.test.ts
 * (the autosave slot in a real IndexedDB).
 */
async function configure(page: Page, steps: number, every: number): Promise<void> {
  await page.getByRole('tab', { name: /Train/ }).click();
  await page.getByRole('radio', { name: /nano/ }).check();
  // WebGPU here is SwiftShader (emulated, seconds per step); the browser tests cover it. WASM keeps this short.
  await page.getByRole('combobox', { name: 'Compute', exact: true }).selectOption('wasm');
  await page.getByRole('combobox', { name: 'Start from', exact: true }).selectOption('scratch');
  await page.getByRole('spinbutton', { name: 'Steps', exact: true }).fill(String(steps));
  await page.getByRole('spinbutton', { name: 'Warm-up steps' }).fill('10');
  await page.getByRole('spinbutton', { name: 'Validate every' }).fill(String(every));
  // 1% of the teaching set (60 rows) is plenty to see validation work; 5% made validation most of the run.
  await page.getByRole('spinbutton', { name: /^Validation share/ }).fill('0.01');
  // The dataset's categories are listed once the Data worker has annotated it.
  await page.getByRole('checkbox', { name: '<lang>' }).waitFor({ timeout: 60_000 });
}

const progress = (page: Page) => page.getByRole('progressbar', { name: 'Training progress' });
const stepNow = async (page: Page) => Number(await progress(page).getAttribute('aria-valuenow'));

describe('Train view (production build)', () => {
  it('trains nano from scratch: progress advances, the loss falls, a checkpoint is saved', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await configure(page, 60, 20);
    const started = Date.now();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => stepNow(page), { timeout: 120_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: shotPath('train-running'), fullPage: true });
    const status = page.getByRole('status', { name: 'Run status' });
    await waitForText(page, errors, () => status.textContent(), 'Finished', 240_000, 'train-finished');
    console.log(`nano, 60 steps: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    expect(await stepNow(page)).toBe(60);

    // The chart's summary, in words: first and latest training loss, and the last validation.
    const summary = page.getByRole('figure', { name: 'Loss chart' }).locator('p');
    await expect.poll(() => summary.textContent()).toMatch(/at step 60\./);
    const text = (await summary.textContent())!;
    const m = /Training loss ([\d.]+) at step 1, ([\d.]+) at step 60\. Validation at step 60: ([\d.]+) with prompt markers, ([\d.]+) without/.exec(text);
    expect(m, text).not.toBeNull();
    const [first, last, val, valNo] = m!.slice(1).map(Number) as [number, number, number, number];
    expect(last).toBeLessThan(first - 0.5);
    expect(val).toBeLessThan(first);
    expect(valNo).toBeGreaterThan(0);

    // Samples at each validation, and the autosave in the list with its metrics.
    await page.getByRole('heading', { name: 'Step 60' }).waitFor();
    const list = page.getByRole('list', { name: 'Saved checkpoints' });
    await expect.poll(() => list.textContent()).toContain('Autosave: teaching · nano, step 60');
    expect(await list.textContent()).toMatch(/step 60 · val loss \d\.\d{3}/);
    // Save on demand adds a second one.
    await page.getByRole('button', { name: 'Save checkpoint' }).click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(2);

    await page.screenshot({ path: shotPath('train-done'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: shotPath('train-narrow'), fullPage: true });
    expect(errors).toEqual([]);
  }, 420_000);
});
