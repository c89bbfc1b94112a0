/** Debian's Chromium through Playwright, with the flags this machine needs (see GUIDE.md). */
import { chromium, type Browser, type Page } from 'playwright';
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
