/**
 * The Arbitrage view without the CLI (production build, WebAssembly): build the teaching pool from
 * the base model (one step per teacher, to stay short: the recipe and the storing are what is
 * checked here; the state tests check the recipe's numbers), have the three teachers answer a handful
 * of teaching prompts, and see the routers' compositions.
 *
 * ARB_FULL=1 runs the defaults instead (60 / 60 / 15 steps, 60 + 120 prompts) and prints how long
 * building and answering took: the README's figure.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright';
import { PAPER_ARBITRAGE } from '../../src/lib/arbitrage/paper';
import { launch, openPage, shotPath, waitForText } from './browser';

const FULL = process.env.ARB_FULL === '1';
/** The comparison's teachers, in the order they are built. */
const TEACHERS = PAPER_ARBITRAGE.teachers.map((t) => t.name);

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('Arbitrage view (production build)', () => {
  it('builds a tiny teaching pool, answers and routes a few prompts, and shows the compositions', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    // The pool trains on the Train view's compute choice: WebAssembly (WebGPU here is SwiftShader, emulated).
    await page.getByRole('tab', { name: /Train/ }).click();
    await page.getByRole('combobox', { name: 'Compute', exact: true }).selectOption('wasm');
    await page.getByRole('tab', { name: /Arbitrage/ }).click();
    if (!FULL) await page.getByRole('spinbutton', { name: 'Steps of the longest teacher' }).fill('1');
    const started = Date.now();
    await page.getByRole('button', { name: 'Build the teaching pool' }).click();
    const buildStatus = page.getByRole('status', { name: 'Pool build status' });
    // Normally about 30 s; the wait is long for a machine busy with the rest of the suite.
    await waitForText(page, errors, () => buildStatus.textContent(), `Built: ${TEACHERS.map((t) => `pool: ${t}`).join(', ')}`, FULL ? 1_800_000 : 180_000, 'arbitrage-build');
    const built = Date.now();
    for (const name of TEACHERS) expect(await page.getByRole('checkbox', { name: new RegExp(`pool: ${name}`) }).isChecked()).toBe(true);

    if (!FULL) {
      await page.getByRole('spinbutton', { name: 'Calibration prompts' }).fill('2');
      await page.getByRole('spinbutton', { name: 'Routing prompts' }).fill('3');
    }
    await page.getByRole('button', { name: 'Answer and route' }).click();
    const answerStatus = page.getByRole('status', { name: 'Answer status' });
    await waitForText(page, errors, () => answerStatus.textContent(), /Answered and routed/, FULL ? 1_800_000 : 120_000, 'arbitrage-answer');
    const answered = Date.now();
    console.log(`arbitrage in the browser: build ${((built - started) / 1000).toFixed(0)} s, answer and route ${((answered - built) / 1000).toFixed(0)} s`);

    const chart = page.getByRole('img', { name: /Share of each teacher per language/ });
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toMatch(new RegExp(`pool: (${TEACHERS.join('|')}) \\d+%`));
    expect(await page.getByRole('table').first().textContent()).toContain(`pool: ${TEACHERS.at(-1)}`);
    await page.screenshot({ path: shotPath(FULL ? 'arbitrage-full' : 'arbitrage-browser'), fullPage: true });
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: /Export the reward router's set/ }).click();
    expect((await download).suggestedFilename()).toBe('arbitrage-reward.jsonl');
    expect(errors).toEqual([]);
  }, FULL ? 3_600_000 : 420_000);
});
