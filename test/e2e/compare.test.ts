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

describe('Compare view (production build)', () => {
  it('samples a concise and a long column from the demo checkpoint and shows their violation rates', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page.getByRole('tab', { name: /Compare/ }).click();
    const a = page.getByRole('region', { name: 'Column A', exact: true });
    const b = page.getByRole('region', { name: 'Column B', exact: true });
    // The marker selects appear once the demo checkpoint's taxonomy has been read.
    await a.getByRole('combobox', { name: 'length_bucket' }).selectOption('concise', { timeout: 60_000 });
    await b.getByRole('combobox', { name: 'length_bucket' }).selectOption('long');
    // Language is judged on every sample, cut short or not: column A always gets a rate over n=6.
    await a.getByRole('combobox', { name: 'lang' }).selectOption('English');
    await a.getByRole('radio', { name: 'fixed' }).check();
    await b.getByRole('radio', { name: 'fixed' }).check();
    // Short prompt and answers: the demo model's context (64 tokens for a nano model) holds the
    // prompt, both marker blocks and the answer.
    await page.getByRole('textbox', { name: /Prompt/ }).fill('Tell me about rain.');
    await page.getByRole('spinbutton', { name: 'Samples per column' }).fill('6');
    await page.getByRole('spinbutton', { name: 'Max tokens' }).fill('20');
    await page.getByRole('button', { name: 'Run comparison' }).click();

    const tableA = page.getByRole('table', { name: 'Violation rate, column A' });
    const tableB = page.getByRole('table', { name: 'Violation rate, column B' });
    // Column B runs last: wait for its result or for any column's error (shown as an alert).
    const alerts = page.getByRole('tabpanel', { name: /Compare/ }).getByRole('alert');
    await tableB.or(alerts).first().waitFor({ timeout: 170_000 });
    expect(await alerts.allTextContents()).toEqual([]);
    for (const [table, asked] of [[tableA, 'concise'], [tableB, 'long']] as const) {
      // Every sample is judged on length or counted as cut short before its length was settled.
      const row = (await table.getByRole('row', { name: /length_bucket/ }).textContent()) ?? '';
      const judged = row.match(new RegExp(`${asked}\\s*(?:\\d{1,3}%\\s*\\(\\d of n=(\\d)\\)|—\\s*\\(no sample judged\\))`));
      expect(judged, row).not.toBeNull();
      const cut = Number(row.match(/(\d) cut short/)?.[1] ?? 0);
      expect(Number(judged![1] ?? 0) + cut, row).toBe(6);
    }
    expect(await tableA.getByRole('row', { name: /lang/ }).textContent()).toMatch(/lang\s*English\s*\d{1,3}%\s*\(\d of n=6\)/);
    expect(await tableB.getByRole('row', { name: /lang/ }).textContent()).toMatch(/lang\s*—\s*—/);
    for (const letter of ['A', 'B']) {
      const gens = page.getByRole('region', { name: `Column ${letter}: generations` });
      expect(await gens.getByRole('listitem').count()).toBe(6);
    }
    // Fixed mode: every sample's block carries the forced value as a chip.
    expect(await page.getByRole('region', { name: 'Column A: generations' }).getByText('length_bucket=concise').count()).toBe(6);
    const length = page.getByRole('img', { name: /^Length in characters\./ });
    expect(await length.getAttribute('aria-label')).toMatch(/A, 6 samples: .*B, 6 samples: /);
    // Max tokens 20 cannot produce a long answer (more than 90 characters, about 28 BPE tokens): the page says so.
    expect(await b.getByText(/long answers need more than \d+ (tokens|characters \(about \d+ tokens\)); max tokens is 20/).count()).toBe(1);

    await page.screenshot({ path: shotPath('compare-1280'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: shotPath('compare-390'), fullPage: true });
    expect(errors).toEqual([]);
  }, 240_000);
});
