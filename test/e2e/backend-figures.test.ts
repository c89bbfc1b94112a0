/**
 * Records, never times: what Automatic picks on this machine and why, and WebAssembly with threads
 * against one thread on the demo model's shape, both from the production build in Chromium. The
 * figures go to test-results/backend-figures.json (the README's "Backends" table comes from there);
 * the assertions are about shape and the rule (no software adapter chosen), not about speed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright';
import { launch, openPage } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('backend figures (production build)', () => {
  it('records the automatic choice and threaded vs single-threaded wasm', async () => {
    const figures: Record<string, unknown> = {};
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const reason = page.getByLabel('Why this backend');
    await reason.waitFor({ timeout: 60_000 });
    figures.automatic = {
      badge: await page.getByRole('status', { name: 'Compute backend' }).locator('.badge').textContent(),
      reason: await reason.textContent(),
      cores: await page.evaluate(() => navigator.hardwareConcurrency),
      // ms from navigation to the reason being on screen (first visit: includes the measurement).
      msToReason: Math.round(await page.evaluate(() => performance.now())),
    };
    expect(figures.automatic).toMatchObject({ badge: expect.not.stringMatching(/WebGPU|WebGL/) });
    await page.close();

    const bench = await openPage(browser, `${inject('baseUrl')}?view=bench`);
    await bench.page.getByRole('button', { name: 'Compare threads' }).click();
    const table = bench.page.getByRole('table', { name: 'WebAssembly threads' });
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 100_000, interval: 500 }).toBe(4);
    const json = JSON.parse((await bench.page.getByLabel('Threads as JSON').textContent()) ?? '{}') as { rows: { threads: number }[] };
    figures.threads = json;
    expect(json.rows.map((r) => r.threads > 1)).toEqual([true, true, false, false]);
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/backend-figures.json', `${JSON.stringify(figures, null, 2)}\n`);
    expect([...errors, ...bench.errors]).toEqual([]);
  });
});
