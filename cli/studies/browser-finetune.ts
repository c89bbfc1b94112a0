/**
 * Issue 10's browser target, measured as a person would reach it: in headless Chromium (the project's
 * flags) against the production build, the Train view fine-tunes the shipped base model ("Built-in
 * base checkpoint") on the built-in teaching set with markers on (the defaults) and WebAssembly as
 * Compute, for a wall-clock budget counted from the click on Start; then Stop, Save checkpoint and
 * Export, as the buttons offer. The Train view has no time budget, so the study presses Stop when the
 * time is up. Save checkpoint at the marks (minutes after Start) gives intermediate checkpoints.
 * Each exported file is judged in Node by the project's own measure, `markerlab eval --control
 * --only length_bucket` (fixed-mode samples per bucket on held-out prompts, judged on the text).
 *
 *   nice -n 19 npx tsx cli/studies/browser-finetune.ts [--minutes 5] [--marks 2,3,4] [--steps N]
 *     [--target 0.8] [--prompts 3] [--n 4] [--out test-results/browser-finetune] [--dist dist] [--no-build] [--quick]
 * `--quick` clicks *Use the 5-minute fine-tune* first (base model, lang + length_bucket, 200 steps of 6 at 1e-2).
 *
 * One JSON object on stdout; progress and a short summary on stderr. Exit code 1 only on errors.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright';
import { build, preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/chromium';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    marks: { type: 'string' },
    steps: { type: 'string' },
    target: { type: 'string', default: '0.8' },
    prompts: { type: 'string', default: '3' },
    n: { type: 'string', default: '4' },
    out: { type: 'string', default: 'test-results/browser-finetune' },
    dist: { type: 'string', default: 'dist' },
    'no-build': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});
const minutes = positive('minutes', values.minutes);
const target = positive('target', values.target);
// Default marks: every whole minute from 2 up to the budget (the budget itself is the final checkpoint).
const marks = (values.marks === undefined ? range(2, Math.ceil(minutes) - 1) : values.marks.split(',').filter((s) => s.trim() !== '').map((s) => positive('marks', s)))
  .filter((m) => m < minutes).sort((a, b) => a - b);
const outDir = resolve(ROOT, values.out);
const distDir = resolve(ROOT, values.dist);
const say = (line: string) => process.stderr.write(`${line}\n`);

function positive(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} expects a number above 0, got "${text}"`);
  return v;
}
function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the Train view shows: step (and the run's first step), status line, tokens/s. */
async function readRun(page: Page): Promise<{ step: number; first: number; status: string; tokensPerSec: number | null }> {
  const bar = page.getByRole('progressbar', { name: 'Training progress' });
  const [now, min, status, numbers] = await Promise.all([
    bar.getAttribute('aria-valuenow'), bar.getAttribute('aria-valuemin'),
    page.getByRole('status', { name: 'Run status' }).textContent(), page.locator('p.numbers').textContent(),
  ]);
  const tps = /([\d,]+) tokens\/s/.exec(numbers ?? '');
  return { step: Number(now), first: Number(min), status: (status ?? '').replace(/\s+/g, ' ').trim(), tokensPerSec: tps ? Number(tps[1]!.replace(/,/g, '')) : null };
}

/** Names of the checkpoints in the Saved checkpoints list. */
async function savedNames(page: Page): Promise<string[]> {
  const list = page.getByRole('list', { name: 'Saved checkpoints' });
  if ((await list.count()) === 0) return [];
  return list.locator('.name').allTextContents();
}

/** Press Save checkpoint and wait for the new entry; returns its name ("teaching · tiny, step N"). */
async function saveCheckpoint(page: Page): Promise<string> {
  const count = (names: string[]) => names.filter((n) => !n.startsWith('Autosave')).length;
  const before = await savedNames(page);
  await page.getByRole('button', { name: 'Save checkpoint' }).click({ timeout: 60_000 });
  for (let i = 0; i < 600; i++) {
    const now = await savedNames(page);
    // Counted, not compared by name: a save at the same step as the one before has the same name.
    if (count(now) > count(before)) return now.find((n) => !n.startsWith('Autosave') && now.filter((m) => m === n).length > before.filter((m) => m === n).length)!;
    await sleep(100);
  }
  throw new Error('Save checkpoint: no new checkpoint in the list after 60 s');
}

interface Mark { label: string; atSeconds: number; stepAtClick: number; name?: string }

async function drive(baseUrl: string) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(baseUrl);
    const chromiumVersion = browser.version();
    const isolated = await page.evaluate(() => crossOriginIsolated);

    // The app opens on Play with the demo model and draws a first batch of samples: let that finish
    // so it does not share the two cores with training (a person reads it before moving on).
    say('waiting for Play to load the demo model and draw its first samples…');
    await page.getByRole('status', { name: 'Model status' }).filter({ hasText: /step \d+/ }).waitFor({ timeout: 120_000 });
    await page.getByRole('status', { name: 'Sampling status' }).filter({ hasText: /samples drawn/ }).waitFor({ timeout: 120_000 }).catch(() => say('(Play still sampling; going on)'));

    await page.getByRole('tab', { name: /^Data/ }).click();
    await page.getByRole('radio', { name: /Teaching set/ }).check();
    await page.getByRole('tab', { name: /^Train/ }).click();
    // The dataset's categories are listed once the Data worker has annotated it.
    await page.getByRole('checkbox', { name: '<lang>' }).waitFor({ timeout: 120_000 });
    await page.getByRole('combobox', { name: 'Start from', exact: true }).selectOption('builtin:base');
    await page.getByRole('combobox', { name: 'Compute', exact: true }).selectOption('wasm');
    // --quick: the Train view's "Use the 5-minute fine-tune" (QUICK_FINETUNE in src/lib/settings/training.ts).
    if (values.quick) await page.getByRole('button', { name: 'Use the 5-minute fine-tune', exact: true }).click();
    if (values.steps !== undefined) await page.getByRole('spinbutton', { name: 'Steps', exact: true }).fill(String(Math.round(positive('steps', values.steps))));
    const field = (name: string) => page.getByRole('spinbutton', { name, exact: true }).inputValue().then(Number);
    const categories = page.getByRole('group', { name: 'Marker categories' }).getByRole('checkbox');
    const settings = {
      dataset: (await page.locator('p.dataset strong').textContent()) ?? '',
      startFrom: await page.getByRole('combobox', { name: 'Start from', exact: true }).locator('option:checked').textContent(),
      compute: await page.getByRole('combobox', { name: 'Compute', exact: true }).inputValue(),
      steps: await field('Steps'), batchSize: await field('Batch size'), lr: await field('Learning rate'),
      warmupSteps: await field('Warm-up steps'), evalEvery: await field('Validate every'), valFraction: await field('Validation share'),
      markers: (await categories.evaluateAll((els) => els.map((e) => `${(e as HTMLInputElement).checked ? '' : '-'}${e.parentElement?.textContent?.trim() ?? ''}`))),
      dropout: await page.locator('.markers output').allTextContents(),
    };
    say(`settings: ${JSON.stringify(settings)}`);

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const t0 = Date.now();
    const elapsed = () => (Date.now() - t0) / 1000;
    let firstStepAt: number | null = null;
    let last = await readRun(page);
    let tokensPerSec: number | null = null;
    const taken: Mark[] = [];
    let nextMark = 0, lastSaid = 0;
    let ended = false;
    while (elapsed() < minutes * 60) {
      last = await readRun(page);
      if (last.tokensPerSec !== null) tokensPerSec = last.tokensPerSec;
      if (firstStepAt === null && last.step > last.first) firstStepAt = elapsed();
      if (/Finished|Stopped/.test(last.status)) { ended = true; break; }
      if (elapsed() - lastSaid >= 30) {
        lastSaid = elapsed();
        say(`${elapsed().toFixed(0)} s: step ${last.step} · ${tokensPerSec ?? '–'} tokens/s · ${last.status}`);
      }
      const m = marks[nextMark];
      if (m !== undefined && elapsed() >= m * 60) {
        const mark: Mark = { label: `${m} min`, atSeconds: seconds(elapsed() * 1000), stepAtClick: last.step };
        nextMark++;
        mark.name = await saveCheckpoint(page);
        taken.push(mark);
        say(`${m} min: saved "${mark.name}"`);
      }
      await sleep(250);
    }
    const stopClickAt = elapsed();
    const stepAtStop = last.step;
    if (!ended) await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('status', { name: 'Run status' }).filter({ hasText: /Finished|Stopped/ }).waitFor({ timeout: 300_000 });
    const stoppedAt = elapsed();
    last = await readRun(page);
    if (/problem/.test(last.status)) throw new Error(`the run failed: ${last.status}; ${await page.getByRole('alert').allTextContents()}`);
    const finalName = await saveCheckpoint(page);
    taken.push({ label: ended ? 'finished' : `${minutes} min`, atSeconds: seconds(stopClickAt * 1000), stepAtClick: stepAtStop, name: finalName });
    say(`${ended ? 'finished' : 'stopped'} at step ${last.step}; saved "${finalName}"`);
    const backend = await page.getByRole('status', { name: 'Run status' }).locator('.hint').first().textContent();

    // Export each, as the list's Export button downloads it.
    mkdirSync(outDir, { recursive: true });
    const checkpoints: Array<Mark & { step: number; file: string }> = [];
    for (const mark of taken) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Export ${mark.name}`, exact: true }).first().click()]);
      const step = Number(/step (\d+)$/.exec(mark.name!)?.[1]);
      const file = join(outDir, `finetune-${mark.label.replace(/\s+/g, '')}-step${step}.safetensors`);
      await download.saveAs(file);
      checkpoints.push({ ...mark, step, file });
    }
    return {
      chromium: chromiumVersion, crossOriginIsolated: isolated, backend: backend?.trim() ?? null, settings,
      run: {
        // Stop acts at a step boundary: endStep includes the step in flight when Stop was pressed (stopSeconds).
        endedBy: ended ? 'finished its steps' : 'Stop at the budget', startStep: last.first, stepAtStopClick: stepAtStop, endStep: last.step, stepsDone: last.step - last.first,
        firstStepSeconds: firstStepAt === null ? null : seconds(firstStepAt * 1000), trainSeconds: seconds(stopClickAt * 1000),
        stopSeconds: seconds((stoppedAt - stopClickAt) * 1000), tokensPerSec,
      },
      checkpoints, pageErrors: errors,
    };
  } finally {
    await browser.close();
  }
}

interface LengthResult { kind: string; value: string; n: number; share: number | null }

/** The project's judge on one exported file: length control only, JSON. */
function judgeLength(file: string) {
  const args = ['cli/markerlab.mjs', 'eval', '--ckpt', file, '--data', 'builtin:teaching', '--control', '--only', 'length_bucket',
    '--prompts', values.prompts, '--n', values.n, '--backend', 'wasm', '--json'];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`markerlab eval failed on ${file} (exit ${r.status}): ${r.stderr.trim()}`);
  const report = JSON.parse(r.stdout) as { step: number; maxTokens: number; results: LengthResult[] };
  const share = (kind: string, value: string) => report.results.find((x) => x.kind === kind && x.value === value)?.share ?? null;
  const inBucket = { concise: share('length_bucket', 'concise'), medium: share('length_bucket', 'medium'), long: share('length_bucket', 'long') };
  const shares = Object.values(inBucket);
  return {
    inBucket, samplesPerBucket: report.results.find((x) => x.kind === 'length_bucket')?.n ?? 0, maxTokens: report.maxTokens,
    minShare: shares.some((s) => s === null) ? null : Math.min(...(shares as number[])),
    meanShare: shares.some((s) => s === null) ? null : (shares as number[]).reduce((a, b) => a + b, 0) / shares.length, readable: share('readable', 'all'),
    command: `node ${args.join(' ')}`,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  if (!values['no-build'] || !existsSync(join(distDir, 'index.html'))) {
    say(`building the production bundle into ${distDir}…`);
    await build({ root: ROOT, logLevel: 'warn', build: { outDir: distDir, emptyOutDir: true } });
  }
  const server = await preview({ root: ROOT, build: { outDir: distDir }, preview: { port: 0, strictPort: false, host: '127.0.0.1' }, logLevel: 'warn' });
  let browserPart: Awaited<ReturnType<typeof drive>>;
  try {
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview did not report a URL');
    say(`serving ${distDir} at ${url}; budget ${minutes} min, marks ${marks.join(', ') || 'none'} min`);
    browserPart = await drive(url);
  } finally {
    await server.close();
  }
  // Judged after the browser is closed, so measuring never shares the cores with training.
  const checkpoints = browserPart.checkpoints.map((c) => {
    say(`judging ${c.label} (step ${c.step})…`);
    const j = judgeLength(c.file);
    return { label: c.label, atSeconds: c.atSeconds, step: c.step, stepsDone: c.step - browserPart.run.startStep, file: c.file, ...j };
  });
  const reached = checkpoints.find((c) => c.minShare !== null && c.minShare >= target);
  const report = {
    study: 'browser-finetune', target: { inBucket: target, rule: 'every length_bucket (concise, medium, long) at or above it' },
    budgetMinutes: minutes, marksMinutes: marks, ...browserPart, checkpoints,
    timeToTarget: reached ? { label: reached.label, seconds: reached.atSeconds, step: reached.step, note: 'resolution: the marks; counted from the click on Start' } : null,
    studySeconds: seconds(Date.now() - started),
  };
  const pct = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)}%`);
  say('');
  say(`fine-tuned the base model in Chromium ${browserPart.chromium} (${browserPart.backend ?? '?'}, cross-origin isolated: ${browserPart.crossOriginIsolated}): `
    + `${browserPart.run.stepsDone} steps in ${browserPart.run.trainSeconds} s (first step after ${browserPart.run.firstStepSeconds ?? '–'} s), ${browserPart.run.tokensPerSec ?? '–'} tokens/s`);
  for (const c of checkpoints) {
    say(`  ${c.label.padEnd(9)} step ${String(c.step).padStart(5)}: in bucket concise ${pct(c.inBucket.concise)}, medium ${pct(c.inBucket.medium)}, long ${pct(c.inBucket.long)} `
      + `(${c.samplesPerBucket} samples each), readable ${pct(c.readable)}`);
  }
  say(reached ? `every bucket ≥ ${pct(target)} first at ${reached.label} (${reached.atSeconds} s after Start)` : `no checkpoint had every bucket ≥ ${pct(target)}`);
  if (browserPart.pageErrors.length > 0) say(`page errors: ${browserPart.pageErrors.join(' | ')}`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

try {
  await main();
} catch (err) {
  say(`browser-finetune: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exitCode = 1;
}
