/**
 * Uploads survive a page reload in the production build: a JSONL file uploaded in the Data view is
 * kept in the browser (IndexedDB), and after a reload the link that names it opens it again, and a
 * link that does not still lists it, with the same rows either way.
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

const ROWS = [
  { prompt: 'Name a colour.', completion: 'Blue, like the sea on a calm and sunny morning.' },
  { prompt: 'Name a fruit.', completion: 'A ripe pear, sweet and soft.' },
  { prompt: 'Nomme un animal.', completion: 'Le renard roux qui traverse la forêt au petit matin.' },
  { prompt: 'Name a city.', completion: 'Lisbon, with its yellow trams and steep hills.' },
  { prompt: 'Name a tool.', completion: 'A hammer.' },
];
const FILE = 'keepsake.jsonl';

/** The examples the Data view shows for the selected dataset: each one's id and text, in order. */
async function shownRows(page: Page): Promise<string[]> {
  const examples = page.getByRole('list', { name: 'Examples', exact: true }).getByRole('article');
  await expect.poll(() => examples.count(), { timeout: 60_000 }).toBe(ROWS.length);
  return examples.evaluateAll((els) => els.map((e) => `${e.getAttribute('aria-label')}: ${e.textContent?.replace(/\s+/g, ' ').trim()}`));
}

describe('Uploads after a reload', () => {
  it('keeps an uploaded JSONL in the browser: listed and opened with the same rows after a reload', async () => {
    const { page, errors } = await openPage(browser, `${inject('baseUrl')}?view=data`);
    await page.getByRole('figure', { name: /<lang>/ }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Upload a dataset file').setInputFiles({
      name: FILE, mimeType: 'application/jsonl', buffer: Buffer.from(ROWS.map((r) => JSON.stringify(r)).join('\n')),
    });
    const mine = page.getByRole('radio', { name: new RegExp(FILE.replace('.', '\\.')) });
    await mine.waitFor({ timeout: 60_000 });
    expect(await mine.isChecked()).toBe(true);
    // Stored (not "this tab only") once the write is done.
    const picker = page.getByRole('region', { name: 'Datasets' });
    await expect.poll(async () => (await picker.textContent()) ?? '', { timeout: 30_000 }).toMatch(/5 rows · uploaded(?!, this tab only)/);
    const before = await shownRows(page);
    expect(before[0]).toContain('Blue, like the sea');
    await expect.poll(() => page.url()).toContain(`data=${FILE}`);

    // Reload: the link names the upload, which is restored from the browser's storage.
    await page.reload();
    await mine.waitFor({ timeout: 60_000 });
    await expect.poll(() => mine.isChecked(), { timeout: 60_000 }).toBe(true);
    expect(await shownRows(page)).toEqual(before);
    expect(await page.getByRole('alert').count()).toBe(0);

    // A link without it: the built-in opens, the upload is listed and opens with the same rows.
    await page.goto(`${inject('baseUrl')}?view=data`);
    await page.getByRole('figure', { name: /<lang>/ }).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('radio', { name: /Teaching set/ }).isChecked()).toBe(true);
    await mine.check();
    expect(await shownRows(page)).toEqual(before);
    await page.screenshot({ path: shotPath('upload-after-reload') });
    expect(errors).toEqual([]);
  });
});
