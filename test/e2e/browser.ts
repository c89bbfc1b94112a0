/** Debian's Chromium through Playwright, with the flags this machine needs (see GUIDE.md). */
import { expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright';
import { errorMessage } from '../../src/lib/util/errors';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';


export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Open a page that records console errors and uncaught exceptions. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1280, height: 800 }) {
  const page: Page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

/** Screenshots go to test-results/ (git-ignored) for a person to look at. */
export function shotPath(name: string): string {
  return `test-results/screenshots/${name}.png`;
}

/**
 * What the page says about itself (compute backend, notices, alerts) and the console errors so far,
 * for a failed wait's message; also saves a screenshot named `name`.
 */
export async function pageReport(page: Page, errors: readonly string[], name: string): Promise<string> {
  await page.screenshot({ path: shotPath(`failed-${name}`), fullPage: true }).catch(() => {});
  const texts = await page.locator('[role="status"], [role="alert"]').evaluateAll((els) =>
    els.map((e) => `${e.getAttribute('aria-label') ?? e.getAttribute('role')}: ${(e.textContent ?? '').replace(/\s+/g, ' ').trim()}`),
  ).catch((err: unknown) => [`(could not read the page: ${String(err)})`]);
  return [...texts, ...errors.map((e) => `console error: ${e}`)].join('\n');
}

/** Wait until `read()` contains (or matches) `expected`; on time-out fail with what the page says (pageReport). */
export async function waitForText(
  page: Page, errors: readonly string[], read: () => Promise<string | null>, expected: string | RegExp, timeout: number, name: string,
): Promise<void> {
  const poll = expect.poll(async () => (await read()) ?? '', { timeout, interval: 50 });
  try {
    await (typeof expected === 'string' ? poll.toContain(expected) : poll.toMatch(expected));
  } catch (err) {
    throw new Error(`${errorMessage(err)}\nThe page said:\n${await pageReport(page, errors, name)}`);
  }
}
