/**
 * The Data view in the production build: histograms, a bad and a good upload through the file
 * input, the example browser's marker filter, the dropout preview's re-roll, two screen widths.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { launch, openPage, shotPath } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** Three rows; line 3's completion is a number. */
const BAD = [
  JSON.stringify({ prompt: 'Say hello.', completion: 'Hello there, my friend.' }),
  JSON.stringify({ prompt: 'Say goodbye.', completion: 'Goodbye, and see you soon.' }),
  JSON.stringify({ prompt: 'Count.', completion: 3 }),
].join('\n');

const GOOD = [
  { prompt: 'Greet me in French.', completion: "Bonjour ! Je suis très content de vous voir aujourd'hui.", markers: { lang: 'French' } },
  { prompt: 'Greet me in Spanish.', completion: 'Hola, me alegra mucho verte hoy, amigo mío.', markers: { lang: 'Spanish' } },
  { prompt: 'Greet me.', completion: 'Hello! It is really good to see you today, my friend.', markers: { lang: 'English' } },
  { prompt: 'Greet me again.', completion: 'Hi again! What a pleasure to meet you twice in one day.', markers: { lang: 'English' } },
].map((r) => JSON.stringify(r)).join('\n');

async function openData(page: Page): Promise<void> {
  await page.getByRole('tab', { name: /^Data/ }).click();
  await page.getByRole('figure', { name: /<lang>/ }).waitFor({ timeout: 60_000 });
}

async function langLabels(page: Page): Promise<(string | null)[]> {
  return page.getByRole('figure', { name: /<lang>/ }).getByRole('listitem').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
}

describe('Data view', () => {
  it('refuses a bad upload next to the input, keeps the teaching set, then adds a good one', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await openData(page);
    expect((await langLabels(page))[0]).toMatch(/^English: \d+ rows/);
    const teachingLang = await langLabels(page);
    const upload = page.getByLabel('Upload a dataset file');

    await upload.setInputFiles({ name: 'bad.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(BAD) });
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    const text = await alert.textContent();
    expect(text).toContain('bad.jsonl line 3');
    expect(text).toContain('field "completion"');
    // The alert sits right after the upload zone.
    const zone = await page.getByRole('group', { name: 'Upload a dataset' }).boundingBox();
    const box = await alert.boundingBox();
    expect(box!.y - (zone!.y + zone!.height)).toBeLessThan(40);
    const teaching = page.getByRole('radio', { name: /Teaching set/ });
    expect(await teaching.isChecked()).toBe(true);
    expect(await page.getByRole('radio').count()).toBe(3); // the built-ins (teaching, varied, udhr): the bad upload added none
    expect(await langLabels(page)).toEqual(teachingLang);
    await page.screenshot({ path: shotPath('data-bad-upload'), fullPage: false });

    await upload.setInputFiles({ name: 'greetings.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(GOOD) });
    const mine = page.getByRole('radio', { name: /greetings\.jsonl/ });
    await mine.waitFor({ timeout: 30_000 });
    expect(await mine.isChecked()).toBe(true);
    await expect.poll(() => langLabels(page)).toEqual(['English: 2 rows (50%)', 'French: 1 rows (25%)', 'Spanish: 1 rows (25%)']);
    expect(await page.getByRole('alert').count()).toBe(0);
    await expect.poll(() => page.getByText('Examples 1–4 of 4').count()).toBe(1);

    // The teaching set is still there, stats and all.
    await teaching.check();
    await expect.poll(() => langLabels(page)).toEqual(teachingLang);
    expect(errors).toEqual([]);
  });

  it('filters the example browser by lang=French, re-rolls the dropout preview, and fits 390 px', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await openData(page);
    const examples = page.getByRole('list', { name: 'Examples', exact: true });
    await expect.poll(() => examples.getByRole('article').count(), { timeout: 30_000 }).toBe(20);

    await page.getByLabel('Filter by marker').selectOption('lang');
    await page.getByLabel('Marker value').selectOption('French');
    await expect.poll(async () => (await page.getByRole('status').filter({ hasText: /^\s*Examples 1–20 of/ }).textContent()) ?? '').toMatch(/of [\d,]+/);
    const langChips = async () =>
      examples.getByRole('listitem').evaluateAll((els) =>
        els.map((e) => e.getAttribute('aria-label')).filter((l): l is string => l?.startsWith('lang:') ?? false));
    await expect.poll(async () => new Set(await langChips())).toEqual(new Set(['lang: French']));
    expect(await langChips()).toHaveLength(20);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => page.getByText(/Examples 21–40 of/).count()).toBe(1);
    await expect.poll(async () => new Set(await langChips())).toEqual(new Set(['lang: French']));

    const preview = page.getByRole('list', { name: 'Dropout preview examples' });
    await expect.poll(() => preview.getByRole('article').count(), { timeout: 30_000 }).toBe(4);
    const before = await preview.textContent();
    await page.getByRole('button', { name: 'Re-roll dropout' }).click();
    await page.getByText('epoch 1').waitFor();
    await expect.poll(() => preview.textContent()).not.toBe(before);
    await page.screenshot({ path: shotPath('data-wide') });
    await page.getByRole('region', { name: 'Marker dropout preview' }).screenshot({ path: shotPath('data-wide-dropout') });
    await page.getByRole('region', { name: 'Examples', exact: true }).screenshot({ path: shotPath('data-wide-examples') });

    await page.getByRole('slider', { name: /Dataset-level dropout/ }).fill('1');
    await expect.poll(() => page.getByText(/100% of prompts\s+carry no markers/).count()).toBe(1);
    expect(await preview.getByRole('list', { name: /Prompt markers/ }).count()).toBe(0);
    expect(await preview.getByRole('list', { name: /Target markers/ }).count()).toBe(4);

    // The same page at 390 px (a phone): nothing scrolls sideways. (One page load fewer than a separate test.)
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByText('Per-category overrides').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: shotPath('data-narrow') });
    await page.getByRole('region', { name: 'Marker dropout preview' }).screenshot({ path: shotPath('data-narrow-dropout') });
    await page.getByRole('list', { name: 'Examples', exact: true }).getByRole('article').first().screenshot({ path: shotPath('data-narrow-example') });
    expect(errors).toEqual([]);
  });
});
