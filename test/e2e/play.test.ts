import { mkdirSync, writeFileSync } from 'node:fs';
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

/** The next-token bars as their accessible labels ("e: 12%"). */
function nextTokens(page: Page): Promise<string[]> {
  return page.getByRole('list', { name: 'Next tokens' }).getByRole('listitem')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

async function waitForModel(page: Page): Promise<void> {
  await expect.poll(() => page.getByRole('status', { name: 'Model status' }).textContent(), { timeout: 90_000 }).toMatch(/step \d+/);
  await expect.poll(async () => (await nextTokens(page)).length, { timeout: 90_000 }).toBe(10);
}

describe('Play view of the production build', () => {
  it('shows the demo checkpoint’s distributions on first load, a marker toggle moves them, and it fits 390 px', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await waitForModel(page);
    expect(await page.getByRole('status', { name: 'Model status' }).textContent()).toContain('Demo');

    const before = await nextTokens(page);
    const shares = before.map((l) => Number(/([\d.]+)%$/.exec(l)?.[1] ?? 'NaN'));
    expect(shares.every((s) => s >= 0 && s <= 100)).toBe(true);
    // Shares are shown rounded: to whole percents from 10% up, to tenths below.
    const slack = shares.reduce((a, s) => a + (s >= 10 ? 0.5 : 0.05), 0);
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(100 + slack);
    // Unset categorical markers each get a distribution over their values.
    const lang = page.getByRole('figure', { name: '<lang>' });
    await lang.waitFor();
    expect(await lang.getByRole('button', { name: /^Set lang to English/ }).count()).toBe(1);
    await page.screenshot({ path: shotPath('play-first-load'), fullPage: true });

    // Fixed mode with a marker: the model's next token is now inside its forced block.
    await page.getByRole('radio', { name: 'Fixed' }).check();
    await page.getByRole('combobox', { name: 'length_bucket marker' }).selectOption('long');
    await expect.poll(() => nextTokens(page), { timeout: 30_000 }).not.toEqual(before);
    await expect.poll(() => page.url()).toContain('m.length_bucket=long');
    expect(page.url()).toContain('mode=fixed');
    // A set category is no longer inferred.
    await page.getByRole('figure', { name: '<length_bucket>' }).waitFor({ state: 'detached' });

    // Picking an inferred value sets that marker.
    const afterBucket = await nextTokens(page);
    await page.getByRole('figure', { name: '<lang>' }).getByRole('button', { name: /^Set lang to French/ }).click();
    expect(await page.getByRole('combobox', { name: 'lang marker' }).inputValue()).toBe('French');
    await expect.poll(() => nextTokens(page), { timeout: 30_000 }).not.toEqual(afterBucket);
    // Let the bars finish sliding into their new order (the screenshot shows them at rest).
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
    await page.screenshot({ path: shotPath('play-markers-set'), fullPage: true });

    // The same page at 390 px (a phone): nothing scrolls sideways. (One page load fewer than a separate test.)
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: shotPath('play-narrow'), fullPage: true });

    // The tabs that do not fit are hinted (a fade and an arrow on that side), and reached by scrolling the strip.
    const strip = page.getByRole('tablist', { name: 'MarkerLab views' });
    const last = page.getByRole('tab', { name: /^Experiments/ });
    const lastInView = async () => ((await last.boundingBox())!.x + (await last.boundingBox())!.width) <= 390;
    await expect.poll(() => strip.getAttribute('data-more-end')).toBe('');
    expect(await lastInView()).toBe(false);
    await strip.evaluate((el) => el.scrollBy(1000, 0));
    await expect.poll(() => strip.getAttribute('data-more-start')).toBe('');
    expect(await strip.getAttribute('data-more-end')).toBeNull();
    expect(await lastInView()).toBe(true);
    await page.getByRole('navigation', { name: 'Views' }).screenshot({ path: shotPath('play-narrow-tabs-scrolled') });

    // A toggle and its effect on one screen: with the markers at the top, the length histogram is wholly in view.
    const lengthChart = page.getByRole('figure', { name: /^Length in characters/ });
    await lengthChart.waitFor({ timeout: 120_000 });
    await page.getByRole('combobox', { name: 'length_bucket marker' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const chartBox = (await lengthChart.boundingBox())!;
    expect(chartBox.y).toBeGreaterThanOrEqual(0);
    expect(chartBox.y + chartBox.height).toBeLessThanOrEqual(844);
    await page.screenshot({ path: shotPath('play-narrow-toggle-and-chart') });
    expect(errors).toEqual([]);
  });

  it('streams N samples and shows the histograms of what they measure', async () => {
    const { page, errors } = await openPage(browser, `${inject('baseUrl')}?m.length_bucket=concise&mode=fixed&prompt=Tell+me+about+rain.`);
    await waitForModel(page);
    expect(await page.getByRole('textbox', { name: 'Prompt' }).inputValue()).toBe('Tell me about rain.');
    expect(await page.getByRole('combobox', { name: 'length_bucket marker' }).inputValue()).toBe('concise');

    await page.getByRole('combobox', { name: 'Samples' }).selectOption('4');
    await page.getByRole('spinbutton', { name: 'Max tokens' }).fill('80');
    await page.getByRole('button', { name: 'Generate' }).click();
    const status = page.getByRole('status', { name: 'Sampling status' });
    await expect.poll(() => status.textContent(), { timeout: 120_000 }).toContain('4 samples drawn');

    const samples = page.getByRole('list', { name: 'Samples', exact: true }).locator(':scope > li');
    expect(await samples.count()).toBe(4);
    // Fixed mode: every sample's block carries the forced marker.
    for (let i = 1; i <= 4; i++) {
      const chips = page.getByRole('list', { name: `Markers the model wrote for sample ${i}` });
      expect(await chips.textContent()).toContain('length_bucket=concise (forced)');
    }
    const lengths = page.getByRole('figure', { name: 'Length in characters of 4 samples' });
    const bins = await lengths.getByRole('list', { name: 'Length bins' }).getByRole('listitem').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    expect(bins.reduce((n, l) => n + Number(/characters: (\d+)/.exec(l)?.[1] ?? 'NaN'), 0)).toBe(4);
    await page.getByRole('figure', { name: 'Language of 4 samples' }).waitFor();
    await page.getByRole('figure', { name: 'Format of 4 samples' }).waitFor();
    expect(await page.getByRole('list', { name: 'Requested markers met' }).textContent()).toMatch(/length_bucket=concise: \d of 4/);
    await page.screenshot({ path: shotPath('play-samples'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('toggling length_bucket concise → long moves the live length histogram’s median; controls and charts share the screen', async () => {
    const { page, errors } = await openPage(browser, `${inject('baseUrl')}?m.length_bucket=concise&mode=fixed`);
    await waitForModel(page);
    const median = page.getByLabel('Median length');
    const samples = page.getByRole('combobox', { name: 'Samples' });
    console.log('model loaded', await page.getByLabel('Play timings').textContent().catch(() => ''));
    await page.screenshot({ path: shotPath('play-live-loaded') });
    await samples.selectOption('16');
    const done = page.getByRole('status', { name: 'Sampling status' });
    await waitForText(page, errors, () => done.textContent(), '16 samples drawn', 120_000, 'play-live-concise');
    const medianOf = async (): Promise<number> => Number(/[\d.]+/.exec((await median.textContent()) ?? '')?.[0] ?? 'NaN');
    const concise = await medianOf();
    const figures: Record<string, string> = { concise: (await page.getByLabel('Play timings').textContent()) ?? '' };
    await page.screenshot({ path: shotPath('play-live-1280') });

    await page.getByRole('combobox', { name: 'length_bucket marker' }).selectOption('long');
    await waitForText(page, errors, () => done.textContent(), /Writing/, 120_000, 'play-live-long-start');
    await waitForText(page, errors, () => done.textContent(), '16 samples drawn', 120_000, 'play-live-long');
    const long = await medianOf();
    figures.long = (await page.getByLabel('Play timings').textContent()) ?? '';
    expect(long).toBeGreaterThan(concise);
    // The previous setting stays faintly in view.
    expect(await page.getByRole('figure', { name: /^Length in characters/ }).textContent()).toContain('Faint: the previous setting (length_bucket=concise)');
    await page.screenshot({ path: shotPath('play-live-1280-long') });

    // Controls and charts on one screen: at 1280 px side by side, at 390 px the charts under the markers.
    const inView = async (name: string) => {
      const box = (await page.getByRole(name === 'markers' ? 'combobox' : 'figure', name === 'markers' ? { name: 'length_bucket marker' } : { name: /^Length in characters/ }).boundingBox())!;
      return box.y >= 0 && box.y < page.viewportSize()!.height;
    };
    expect(await inView('markers')).toBe(true);
    expect(await inView('chart')).toBe(true);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('combobox', { name: 'length_bucket marker' }).scrollIntoViewIfNeeded();
    const marker = (await page.getByRole('combobox', { name: 'length_bucket marker' }).boundingBox())!;
    const chart = (await page.getByRole('figure', { name: /^Length in characters/ }).boundingBox())!;
    expect(chart.y).toBeGreaterThan(marker.y);
    await page.screenshot({ path: shotPath('play-live-390'), fullPage: true });
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/play-timings.json', JSON.stringify({ concise, long, figures }, null, 2));
    console.log('play timings', JSON.stringify({ concise, long, figures }));
    expect(errors).toEqual([]);
  }, 600_000);
});
