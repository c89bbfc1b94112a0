import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { launch, openPage, shotPath } from './browser';

/** The app opens on Play; the dataset statistics live on the Data tab. */
async function openData(page: Page): Promise<void> {
  await page.getByRole('tab', { name: /^Data/ }).click();
}

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('first load of the production build', () => {
  it('shows the backend and the teaching dataset marker statistics, with no console errors, and fits 390 px', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    // The backend is chosen by measurement: never the SwiftShader (software) WebGPU adapter, and the reason is shown.
    const reason = page.getByLabel('Why this backend');
    await reason.waitFor({ timeout: 60_000 });
    expect(await reason.textContent()).toMatch(/ms\/token.* — chose (WebAssembly|CPU)/);
    const badge = page.getByRole('status', { name: 'Compute backend' }).locator('.badge');
    expect(await badge.textContent()).not.toMatch(/WebGPU|WebGL/);
    await openData(page);

    const lang = page.getByRole('figure', { name: /<lang>/ });
    await lang.waitFor({ timeout: 60_000 });
    const labels = await lang.getByRole('listitem').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(labels[0]).toMatch(/^English: \d+ rows \(5\d%\)$/);
    expect(labels.some((l) => l?.startsWith('Italian') && l.endsWith('long tail'))).toBe(true);
    await page.getByRole('figure', { name: /<length_bucket>/ }).waitFor();
    await page.screenshot({ path: shotPath('first-load'), fullPage: true });

    // The same page at 390 px (a phone): nothing scrolls sideways. (One page load fewer than a separate test.)
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: shotPath('narrow'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('switches to the real-text UDHR dataset (fetched from the build) and shows 23 languages', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await openData(page);
    await page.getByRole('radio', { name: /Universal Declaration/ }).check();
    const title = page.getByRole('heading', { level: 2 }).first();
    await expect.poll(() => title.textContent(), { timeout: 60_000 }).toContain('Universal Declaration');
    const lang = page.getByRole('figure', { name: /<lang>/ });
    expect(await lang.getByRole('listitem').count()).toBe(23);
    await page.screenshot({ path: shotPath('udhr'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
