/**
 * ExperimentsState with an in-process stand-in for the experiment worker: the form's grid becomes
 * the cells, results and checkpoints are stored as they finish, a reload restores them and resumes
 * at the first unfinished cell, stop ends the queue, and bad fields are named before anything runs.
 */
import { describe, expect, it } from 'vitest';
import { MemorySweepStore } from '../../src/lib/experiment/store';
import { PAPER_SWEEP } from '../../src/lib/experiment/sweep';
import { PAPER_ESTIMATE } from '../../src/lib/state/experiments.svelte';
import { FakeExperimentWorker, setup } from './experiments-fakes';

describe('ExperimentsState', () => {
  it('runs the form grid cell by cell, stores each result and checkpoint, and reads the findings off them', async () => {
    const { experiments: s, worker, store, saved, datasetsRead } = setup();
    s.datasetRates = '0, 0.5';
    s.seeds = '1';
    s.steps = 8;
    await s.run('teaching');
    expect(datasetsRead.every((d) => d === 'teaching')).toBe(true);
    expect(worker.ran).toEqual(['baseline-s1', 'x0-y0.5-s1', 'x0.5-y0.5-s1']);
    expect(worker.specs[0]).toMatchObject({ dataset: 'teaching', preset: 'nano', steps: 8, datasetRates: [0, 0.5], sampleRates: [0.5], seeds: [1], baseline: true });
    expect(s.sweep!.results.map((r) => r.train.valLoss)).toEqual([2, 2, 2.5]);
    // Each checkpoint saved under the run's name, bytes as the worker sent them.
    expect(saved.map((c) => c.name)).toEqual(['sweep baseline-s1 · nano 8 steps', 'sweep x0-y0.5-s1 · nano 8 steps', 'sweep x0.5-y0.5-s1 · nano 8 steps']);
    expect(saved[2]!.bytes).toEqual([1, 5]);
    expect(s.sweep!.checkpoints).toEqual({ 'baseline-s1': 'ckpt-1', 'x0-y0.5-s1': 'ckpt-2', 'x0.5-y0.5-s1': 'ckpt-3' });
    // The long tail: French is 2 of 100 rows.
    expect(s.sweep!.shares['lang\u0000French']).toBeCloseTo(0.02);
    expect(s.findings.map((f) => [f.id, f.holds])).toEqual([[1, true], [2, true], [3, true], [4, true]]);
    expect(s.findings[1]!.detail).toBe('length_bucket violation rate: baseline 40.0%, inferred 30.0%, fixed 5.0%');
    expect(s.exportCsv().trim().split('\n')).toHaveLength(4);
    expect(JSON.parse(s.exportJson()).findings).toHaveLength(4);
    expect((await store.load())!.results).toHaveLength(3);
    expect(s.stage).toBe('Sweep finished');
    expect(s.running).toBe(false);
    expect(s.resumable).toBe(false);
  });

  it('after a failure and a reload, shows the finished runs and resumes at the first unfinished cell', async () => {
    const store = new MemorySweepStore();
    const first = new FakeExperimentWorker();
    first.failOn = 'x0.5-y0.5-s1';
    const a = setup({ store, worker: first });
    a.experiments.datasetRates = '0, 0.5';
    a.experiments.seeds = '1';
    await a.experiments.run('teaching');
    expect(a.experiments.error).toBe('The sweep stopped while running dropout X=0.5 Y=0.5, seed 1: the GPU stopped responding. Finished runs are kept; Resume sweep continues from here.');
    expect(first.ran).toEqual(['baseline-s1', 'x0-y0.5-s1']);
    expect(a.counts().closes).toBe(1); // a broken worker is not reused

    const second = new FakeExperimentWorker();
    const b = setup({ store, worker: second });
    expect(b.experiments.loaded).toBe(false);
    await b.experiments.start();
    expect(b.experiments.loaded).toBe(true);
    expect(b.experiments.sweep!.results).toHaveLength(2);
    expect(b.experiments.datasetRates).toBe('0, 0.5'); // the form shows the stored sweep
    expect(b.experiments.resumable).toBe(true);
    expect(b.experiments.notice).toMatch(/2 of 3 runs done; resume it to run the other 1/);
    expect(b.experiments.remainingMs).toBe(60_000);
    await b.experiments.resume();
    expect(second.ran).toEqual(['x0.5-y0.5-s1']);
    expect(b.experiments.pending).toEqual([]);
    expect(b.experiments.notice).toBeNull();
    expect((await store.load())!.results.map((r) => r.cell.id)).toEqual(['baseline-s1', 'x0-y0.5-s1', 'x0.5-y0.5-s1']);
  });

  it('shows progress while a cell runs, and Stop ends the queue with the rest left to resume', async () => {
    const { experiments: s, worker } = setup();
    worker.hold = true;
    s.datasetRates = '0.5';
    s.seeds = '1';
    s.steps = 8;
    const running = s.run('teaching');
    await expect.poll(() => worker.held).toBe(true);
    expect(s.running).toBe(true);
    expect(s.current).toMatchObject({ index: 1, total: 2, cell: { id: 'baseline-s1' } });
    expect(s.progress).toEqual({ step: 3, totalSteps: 8, loss: 3.25, tokensPerSec: 1234 });
    expect(s.stage).toBe('training baseline (no markers), seed 1');
    worker.release();
    await expect.poll(() => s.current?.index).toBe(2);
    await expect.poll(() => worker.held).toBe(true);
    s.stop();
    expect(s.stopping).toBe(true);
    await running;
    expect(worker.stops).toBe(1);
    expect(s.running).toBe(false);
    expect(s.error).toBeNull();
    expect(s.notice).toBe('Stopped: training: stopped at step 3. Resume sweep runs that cell again from the start.');
    expect(s.sweep!.results.map((r) => r.cell.id)).toEqual(['baseline-s1']);
    expect(s.pending.map((c) => c.id)).toEqual(['x0.5-y0.5-s1']);
    worker.hold = false;
    await s.resume();
    expect(worker.ran).toEqual(['baseline-s1', 'x0.5-y0.5-s1']);
    expect(worker.inits).toBe(1); // the same worker, started once
  });

  it('names each bad field next to it and runs nothing', async () => {
    const { experiments: s, worker } = setup();
    s.datasetRates = '0, half';
    s.sampleRates = '0.5, 1.5';
    s.seeds = '1, 1';
    s.steps = 0;
    s.lr = 0;
    await s.run('teaching');
    expect(s.fieldErrors).toEqual({
      datasetRates: 'expected numbers separated by commas, got "0, half"',
      sampleRates: 'every rate must be in [0, 1], got 1.5',
      seeds: 'a seed is listed twice',
      steps: 'Steps per run must be a whole number from 1 to 1,000,000.',
      lr: 'Learning rate must be a number above 0 and at most 1.',
    });
    s.datasetRates = '0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8';
    s.sampleRates = '0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8';
    s.seeds = '1';
    s.steps = 10;
    s.lr = 0.003;
    await s.run('teaching');
    expect(s.fieldErrors).toEqual({});
    expect(s.formError).toBe('the sweep has 73 runs; keep it to 64');
    expect(worker.ran).toEqual([]);
    expect(s.sweep).toBeNull();
  });

  it('a dataset that cannot be read is named and nothing is stored', async () => {
    const { experiments: s, worker, store } = setup();
    await s.run('missing');
    expect(s.error).toBe('Could not read the dataset "missing": no dataset named "missing"');
    expect(worker.ran).toEqual([]);
    expect(await store.load()).toBeNull();
  });

  it('the paper in small fills the form, says how long it takes, and runs PAPER_SWEEP', async () => {
    const { experiments: s, worker } = setup();
    const run = s.runPaper();
    expect(s.notice).toBe(`The paper in small: 6 runs of tiny × 400 steps on the teaching set; ${PAPER_ESTIMATE}. You can stop, reload and resume.`);
    expect([s.preset, s.steps, s.batchSize, s.lr, s.datasetRates, s.sampleRates, s.seeds, s.baseline, s.noDropout]).toEqual(['tiny', 400, 8, 0.01, '0.5', '0.5', '1, 2', true, true]);
    await run;
    expect(worker.specs[0]).toEqual(PAPER_SWEEP);
    // Per seed: the baseline, the run without dropout (the paper's contrast for finding 1), X = 0.5 Y = 0.5.
    expect(worker.ran).toEqual(['baseline-s1', 'x0-y0-s1', 'x0.5-y0.5-s1', 'baseline-s2', 'x0-y0-s2', 'x0.5-y0.5-s2']);
    expect(s.notice).toBeNull();
  });

  it('a new sweep replaces stored results only once confirmed; clear forgets them', async () => {
    const { experiments: s, worker, store } = setup();
    s.datasetRates = '0.5';
    s.seeds = '1';
    s.baseline = false;
    await s.run('teaching');
    expect(worker.ran).toEqual(['x0.5-y0.5-s1']);
    s.datasetRates = '0';
    await s.run('teaching');
    expect(s.replacing).not.toBeNull();
    expect(worker.ran).toHaveLength(1);
    s.cancelReplace();
    expect(s.sweep!.results[0]!.cell.id).toBe('x0.5-y0.5-s1');
    await s.run('teaching');
    await s.confirmReplace();
    expect(worker.ran).toEqual(['x0.5-y0.5-s1', 'x0-y0.5-s1']);
    expect(s.sweep!.results.map((r) => r.cell.id)).toEqual(['x0-y0.5-s1']);
    await s.clear();
    expect(s.sweep).toBeNull();
    expect(await store.load()).toBeNull();
  });
});
