import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromSafetensors } from '../../src/lib/model/checkpoint';
import { ACTIVE_RUN_KEY, AUTOSAVE_ID, SCRATCH, parseActiveRun } from '../../src/lib/state/train.svelte';
import { settingMessage, TRAINING } from '../../src/lib/settings';
import { LossSeries } from '../../src/lib/state/train-series';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import type { TokenizerRequest } from '../../src/lib/settings/training';
import { buildTokenizer, type LearnedTokenizer } from '../../src/lib/tokenizer/tokenizer';
import { BackendChoices } from '../../src/lib/state/backend-choices.svelte';
import { BackendMemory, DEMO_SHAPE, presetShape, shapeKey } from '../../src/lib/state/backend-memory';
import { toSafetensors } from '../../src/lib/model/checkpoint';
import { presetConfig, type GPTConfig } from '../../src/lib/model/config';
import { makeRecord } from '../fixtures/checkpoint-record';
import { setup as experimentsSetup } from './experiments-fakes';
import { MemoryStorage, setup } from './train-fakes';

afterEach(() => {
  vi.useRealTimers();
});

describe('TrainState', () => {
  it('runs with the settings and dropout it shows, and records progress, samples and autosaves', async () => {
    const { train, trainers, store, storage } = setup();
    train.startFrom = SCRATCH;
    await train.begin('teaching');
    const t = trainers[0]!;
    const s = t.setups[0]!;
    expect(s).toMatchObject({ preset: 'nano', steps: 10, batchSize: 4, lr: 0.01, evalEvery: 5, warmupSteps: 2 });
    expect(s.dropout).toMatchObject({ datasetRate: 0.3, sampleRate: 0.6 });
    expect(s.init).toBeUndefined();
    expect(s.categories).toBeUndefined();
    expect(train.phase).toBe('completed');
    expect(train.progress?.step).toBe(10);
    expect(train.series.length).toBe(10);
    expect(train.series.first?.loss).toBeGreaterThan(train.series.latest!.loss);
    expect(train.series.latestValidation).toMatchObject({ step: 10, valLoss: expect.closeTo(4.2, 5) });
    // Samples at each validation (steps 5 and 10), newest first.
    expect(train.samples.map((r) => r.step)).toEqual([10, 5]);
    // Autosaved at step 5 and at the end, into one slot, with metrics.
    expect(t.calls.filter((c) => c.startsWith('checkpoint'))).toEqual(['checkpoint@5', 'checkpoint@10']);
    const saved = store.files.get(AUTOSAVE_ID)!;
    expect(saved.summary.step).toBe(10);
    expect(saved.summary.metrics).toMatchObject({ dataset: 'teaching', preset: 'nano', valLoss: expect.any(Number) });
    expect(store.files.size).toBe(1);
    // Completed: nothing left to resume.
    expect(storage.getItem(ACTIVE_RUN_KEY)).toBeNull();
  });

  it('keeps an active-run record during the run with the last autosaved step', async () => {
    const { train, storage, control } = setup();
    train.startFrom = SCRATCH;
    const records: (string | null)[] = [];
    control.gate = async () => void records.push(storage.getItem(ACTIVE_RUN_KEY));
    await train.begin('teaching');
    const mid = records.map((r) => (r ? parseActiveRun(r) : null)).filter((r) => r !== null);
    expect(mid.length).toBeGreaterThan(0);
    const last = mid.at(-1)!;
    expect(last).toMatchObject({ dataset: 'teaching', endStep: 10, savedStep: 5, settings: { preset: 'nano', startFrom: SCRATCH } });
  });

  it('starts from the base checkpoint by default and sends its bytes', async () => {
    const { train, trainers } = setup();
    await train.begin('teaching');
    const s = trainers[0]!.setups[0]!;
    expect(s.init).toBeInstanceOf(Uint8Array);
    expect(fromSafetensors(s.init!).step).toBe(700);
    expect(train.progress?.totalSteps).toBe(710);
  });

  it('hands a run from scratch the tokenizer the data worker learned for its choice and split, and a fine-tune none', async () => {
    const asked: { dataset: string; request: TokenizerRequest }[] = [];
    const learned: LearnedTokenizer = { key: '40:abc', spec: buildTokenizer({ taxonomy: defaultTaxonomy(), texts: ['hi'] }) };
    const { train, trainers } = setup({ tokenizer: async (dataset, request) => (asked.push({ dataset, request }), learned) });
    train.startFrom = SCRATCH;
    Object.assign(train.form, { tokenizer: 'bpe', merges: 300, valFraction: 0.1, seed: 9 });
    await train.begin('teaching');
    expect(asked).toEqual([{ dataset: 'teaching', request: { choice: { kind: 'bpe', merges: 300 }, valFraction: 0.1, seed: 9, stratifyBy: 'lang' } }]);
    const scratch = trainers[0]!.setups[0]!;
    expect(scratch.learnedTokenizer).toEqual(learned);
    expect(scratch).toMatchObject({ tokenizer: { kind: 'bpe', merges: 300 }, valFraction: 0.1, seed: 9, stratifyBy: 'lang' });

    // From a checkpoint the session extends the checkpoint's tokenizer: nothing is asked or sent.
    train.startFrom = 'builtin:base';
    await train.begin('teaching');
    expect(asked).toHaveLength(1);
    expect(trainers[0]!.setups[1]!.learnedTokenizer).toBeUndefined();
  });

  it("chooses the backend for the shape the run will have: the starting checkpoint's, or the preset with the learned vocabulary", async () => {
    const shapes: (GPTConfig | undefined)[] = [];
    const learned: LearnedTokenizer = { key: '40:abc', spec: buildTokenizer({ taxonomy: defaultTaxonomy(), texts: ['hi there, a few more letters'] }) };
    let tokenizer: LearnedTokenizer | null = learned;
    const { train } = setup({ backendPlan: { auto: (shape) => (shapes.push(shape), { order: ['cpu'] }) }, tokenizer: async () => tokenizer });
    // A fine-tune of a checkpoint 2 layers deep, though the form's preset is nano (1 layer).
    const deeper = toSafetensors({ ...makeRecord({ shape: { nLayer: 2 } }), step: 700 });
    const id = await train.checkpoints.saveBytes(deeper, { name: 'deeper' });
    train.startFrom = id;
    await train.begin('teaching');
    expect(shapes[0]).toMatchObject({ nLayer: 2, vocabSize: makeRecord().config.vocabSize });
    // From scratch: the preset with the vocabulary the data worker learned (another shape: planned again).
    train.startFrom = SCRATCH;
    await train.begin('teaching');
    expect(shapes[1]).toMatchObject({ ...presetConfig('nano', learned.spec.tokens.length, 1), seed: 1 });
    // Without a learned tokenizer the vocabulary is the demo's.
    tokenizer = null;
    await train.begin('teaching');
    expect(shapes[2]).toMatchObject({ nLayer: 1, vocabSize: DEMO_SHAPE.vocabSize });
  });

  it('starts a run without a learned tokenizer when the data worker has none or fails', async () => {
    for (const tokenizer of [async () => null, async () => Promise.reject(new Error('dataset "teaching" is not loaded'))]) {
      const { train, trainers } = setup({ tokenizer });
      train.startFrom = SCRATCH;
      await train.begin('teaching');
      expect(train.phase).toBe('completed');
      expect(trainers[0]!.setups[0]!.learnedTokenizer).toBeUndefined();
    }
  });

  it('sends weights to listeners between steps and stops after unsubscribe', async () => {
    const { train } = setup();
    const steps: number[] = [];
    const off = train.onWeights((m) => steps.push(m.step));
    train.startFrom = SCRATCH;
    await train.begin('teaching');
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.at(-1)).toBe(10);
    off();
    const before = steps.length;
    await train.begin('teaching');
    expect(steps.length).toBe(before);
  });

  it('offers to resume an interrupted run and continues from the autosave with its remaining steps', async () => {
    const first = setup();
    first.train.startFrom = SCRATCH;
    first.train.form.steps = 20;
    first.train.backendChoice = 'wasm';
    // What a reload at step 7 leaves behind: the record and the store as they are then.
    let record = '';
    let files = first.store.files;
    first.control.gate = async () => {
      const raw = first.storage.getItem(ACTIVE_RUN_KEY);
      if (raw && parseActiveRun(raw)?.lastStep === 7 && !record) {
        record = raw;
        files = new Map(first.store.files);
        first.train.stop();
      }
    };
    await first.train.begin('teaching');
    expect(record).not.toBe('');

    const second = setup();
    second.storage.setItem(ACTIVE_RUN_KEY, record);
    second.store.files = files;
    await second.train.start();
    expect(second.train.interrupted).toMatchObject({ lastStep: 7, savedStep: 5, endStep: 20, backend: 'wasm' });
    expect(second.train.form.preset).toBe('nano');
    second.train.form.preset = 'tiny';
    second.train.backendChoice = 'auto';
    await second.train.resumeInterrupted();
    // The run's own settings and backend come back (the form shows them), the progress bar spans 5 → 20.
    expect(second.train.form.preset).toBe('nano');
    expect(second.train.backendChoice).toBe('wasm');
    expect(second.train.info?.startStep).toBe(5);
    const s = second.trainers[0]!.setups[0]!;
    expect(fromSafetensors(s.init!).step).toBe(5);
    expect(fromSafetensors(s.init!).optimizer).toBeDefined();
    expect(s.steps).toBe(15);
    expect(second.train.form.steps).toBe(20);
    expect(second.train.progress).toMatchObject({ step: 20, totalSteps: 20 });
    expect(second.train.phase).toBe('completed');
    expect(second.storage.getItem(ACTIVE_RUN_KEY)).toBeNull();
  });

  it('remembers the compute choice per preset on this device, shows it again after a reload, and trains on it; Experiments shares it', async () => {
    const device = new MemoryStorage();
    // What LabPage does on every load: the device's memory, one BackendChoices for Train and Experiments.
    const load = () => new BackendChoices(new BackendMemory(device), 'training');
    const first = setup({ backendChoices: load() });
    expect(first.train.form.preset).toBe('nano');
    expect(first.train.backendChoice).toBe('auto');
    first.train.backendChoice = 'wasm';
    expect(device.getItem(`${shapeKey('training', presetShape('nano'))}:override`)).toBe('wasm');
    // Each preset is a model shape with its own choice.
    first.train.form.preset = 'tiny';
    expect(first.train.backendChoice).toBe('auto');
    first.train.form.preset = 'nano';
    expect(first.train.backendChoice).toBe('wasm');

    // A reload: a new page on the same device.
    const choices = load();
    const second = setup({ backendChoices: choices });
    expect(second.train.backendChoice).toBe('wasm');
    second.train.startFrom = SCRATCH;
    await second.train.begin('teaching');
    expect(second.trainers[0]!.inits).toEqual([{ order: ['wasm', 'cpu'] }]);
    const { experiments, worker } = experimentsSetup({ backendChoices: choices });
    experiments.preset = 'nano';
    expect(experiments.backendChoice).toBe('wasm');
    experiments.steps = 8;
    experiments.seeds = '1';
    experiments.datasetRates = '0';
    await experiments.run('teaching');
    expect(worker.initOptions).toEqual([{ order: ['wasm', 'cpu'] }]);

    // Automatic again forgets the override: the next load measures and ranks for this shape.
    experiments.backendChoice = 'auto';
    expect(second.train.backendChoice).toBe('auto');
    expect(setup({ backendChoices: load() }).train.backendChoice).toBe('auto');
    expect(device.getItem(`${shapeKey('training', presetShape('nano'))}:override`)).toBeNull();
  });

  it('discarding an interrupted run forgets it; a malformed record is ignored', async () => {
    const { train, storage } = setup();
    storage.setItem(ACTIVE_RUN_KEY, '{"version":1}');
    await train.start();
    expect(train.interrupted).toBeNull();
    expect(storage.getItem(ACTIVE_RUN_KEY)).toBeNull();
  });

  it('after a NaN keeps the last good weights and resumes with a lower learning rate', async () => {
    const { train, trainers, store } = setup();
    train.startFrom = SCRATCH;
    const run = train.begin('teaching');
    trainers[0]!.failAt = { step: 8, outcome: 'non-finite', fault: { kind: 'non-finite', message: 'loss is NaN at step 8', step: 8 } };
    await run;
    expect(train.phase).toBe('fault');
    expect(train.fault?.kind).toBe('non-finite');
    expect(store.files.get(AUTOSAVE_ID)!.summary.step).toBe(7);
    expect(train.resumeStep).toBe(7);
    await train.resumeInterrupted({ lr: 0.003 });
    const s = trainers[0]!.setups[1]!;
    expect(s.lr).toBe(0.003);
    // The floor follows the lowered peak: minLr = lr × minLrRatio.
    expect(s.minLr).toBeCloseTo(0.0003, 12);
    expect(s.steps).toBe(3);
    expect(train.phase).toBe('completed');
    // After Resume the curve still holds the points before the autosave.
    expect(train.series.first?.step).toBe(1);
  });

  it('after a lost device continues from the autosave by itself, once, on the next backend of the measured order', async () => {
    const measured = { order: ['webgpu', 'wasm', 'webgl', 'cpu'] as const };
    const plans: number[] = [];
    const { train, trainers, closed, control } = setup({ backendPlan: { auto: () => (plans.push(1), { order: measured.order }) } });
    train.startFrom = SCRATCH;
    const notices: (string | null)[] = [];
    control.gate = async () => void notices.push(train.notice);
    const run = train.begin('teaching');
    trainers[0]!.failAt = { step: 7, outcome: 'fault', fault: { kind: 'device-lost', message: 'GPU device was lost' } };
    await run;
    // The lost worker is closed; a fresh one continues from the autosave at step 5 on wasm, the
    // backend after WebGPU in the measured order (not measured again), without being asked.
    expect(closed).toEqual([0]);
    expect(trainers).toHaveLength(2);
    expect(plans).toHaveLength(1);
    expect(trainers[1]!.inits).toEqual([{ order: ['wasm', 'webgl', 'cpu'] }]);
    expect(trainers[1]!.setups).toHaveLength(1);
    expect(fromSafetensors(trainers[1]!.setups[0]!.init!).step).toBe(5);
    expect(trainers[1]!.setups[0]!.steps).toBe(5);
    // No notice before the loss (steps 1–7 of the first worker), then one while the run continues.
    expect(notices.slice(0, 7)).toEqual(Array(7).fill(null));
    expect(notices[7]).toBe('The GPU was lost at step 6; continuing from the autosave at step 5 on WebAssembly…');
    expect(train.phase).toBe('completed');
    expect(train.fault).toBeNull();
    expect(train.progress?.step).toBe(10);
    expect(train.notice).toBe('The GPU was lost at step 6; the run continued from the autosave at step 5 on WebAssembly.');
    // The curve goes on from the autosave: steps 1..5, then 6..10 once.
    expect(train.series.length).toBe(10);
    // A new run from the form starts without the notice.
    await train.begin('teaching');
    expect(train.notice).toBeNull();
    expect(trainers).toHaveLength(2);
  });

  it('after a second loss before a newer autosave stops with the fault instead of resuming again', async () => {
    const { train, trainers, control } = setup();
    train.startFrom = SCRATCH;
    let armed = false;
    // The continued run (from step 5) is lost again at step 7, before its next autosave at 10.
    control.gate = async () => {
      if (trainers.length === 2 && !armed) {
        armed = true;
        trainers[1]!.failAt = { step: 7, outcome: 'fault', fault: { kind: 'device-lost', message: 'GPU device was lost again' } };
      }
    };
    const run = train.begin('teaching');
    trainers[0]!.failAt = { step: 7, outcome: 'fault', fault: { kind: 'device-lost', message: 'GPU device was lost' } };
    await run;
    expect(trainers).toHaveLength(2);
    expect(train.phase).toBe('fault');
    expect(train.fault?.message).toBe('GPU device was lost again');
    expect(train.resumeStep).toBe(5);
    // The person can still resume by hand.
    await train.resumeInterrupted();
    expect(trainers).toHaveLength(3);
    expect(train.phase).toBe('completed');
  });

  it('after a lost device with no autosave yet stops with the fault and does not resume', async () => {
    const { train, trainers, closed, store } = setup();
    train.startFrom = SCRATCH;
    const run = train.begin('teaching');
    trainers[0]!.failAt = { step: 3, outcome: 'fault', fault: { kind: 'device-lost', message: 'GPU device was lost' } };
    await run;
    expect(store.files.has(AUTOSAVE_ID)).toBe(false);
    expect(train.phase).toBe('fault');
    expect(train.fault?.kind).toBe('device-lost');
    expect(train.resumeStep).toBeNull();
    expect(train.notice).toBeNull();
    expect(closed).toEqual([0]);
    expect(trainers).toHaveLength(1);
    await train.resumeInterrupted();
    expect(trainers).toHaveLength(1);
  });

  it('refuses to start with bad settings and says which', async () => {
    const { train, trainers } = setup();
    train.startFrom = SCRATCH;
    train.form.steps = 10;
    train.form.warmupSteps = 50;
    train.form.minLrRatio = 2;
    train.form.lr = 0;
    expect(train.problems.warmupSteps).toMatch(/longer than the run/);
    expect(train.problems.minLrRatio).toBe(settingMessage(TRAINING.minLrRatio));
    expect(train.problems.lr).toBe('Learning rate must be a number above 0 and at most 1.');
    await train.begin('teaching');
    expect(trainers).toHaveLength(0);
    expect(train.error).toMatch(/Fix the settings/);
  });

  it('pause holds the run, resume continues, stop ends it with an autosave', async () => {
    // Fake time: "paused" is checked over a whole minute (the autosave interval), at no cost.
    vi.useFakeTimers();
    const { train, trainers, storage, store, control } = setup();
    train.startFrom = SCRATCH;
    train.form.steps = 100;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const atTwelve = new Promise<void>((r) => (reached = r));
    control.gate = async () => {
      if (train.progress?.step !== 12) return;
      reached();
      await held;
    };
    const run = train.begin('teaching');
    await atTwelve;
    train.pause();
    expect(train.phase).toBe('paused');
    // The step under way (13) ends; the next one waits for Resume.
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(train.progress!.step).toBe(13);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(train.progress!.step).toBe(13);
    expect(train.phase).toBe('paused');
    train.resume();
    expect(train.phase).toBe('training');
    train.stop();
    // Said at once, not "Training… ETA" until the worker's step ends.
    expect(train.phase).toBe('stopping');
    expect(train.running).toBe(true);
    await run;
    expect(train.phase).toBe('stopped');
    expect(trainers[0]!.calls).toEqual(expect.arrayContaining(['pause', 'resume', 'stop']));
    expect(store.files.get(AUTOSAVE_ID)!.summary.step).toBe(train.progress!.step);
    expect(storage.getItem(ACTIVE_RUN_KEY)).toBeNull();
  });

  it('saves a named checkpoint on demand', async () => {
    const { train, store } = setup();
    train.startFrom = SCRATCH;
    await train.begin('teaching');
    await train.saveCheckpoint();
    const named = [...store.files.values()].find((f) => f.summary.id !== AUTOSAVE_ID)!;
    expect(named.summary.name).toBe('teaching · nano, step 10');
  });
});

describe('LossSeries', () => {
  it('keeps every point and draws at most the columns asked for, validation points exactly', () => {
    const s = new LossSeries();
    for (let i = 1; i <= 50_000; i++) s.add(i % 1000 === 0 ? { step: i, loss: 1 + 1 / i, valLoss: 2, valLossNoMarkers: 3 } : { step: i, loss: 1 + 1 / i });
    expect(s.length).toBe(50_000);
    const [x, train, val, valNo] = s.view(500);
    expect(x).toHaveLength(500);
    expect(x.at(-1)).toBe(50_000);
    expect(train[0]).toBeGreaterThan(train.at(-1)!);
    expect(val.filter((v) => v !== null)).toHaveLength(50);
    expect(valNo.filter((v) => v === 3)).toHaveLength(50);
    // A run resumed from its autosave at step 60 keeps the points up to there.
    const resumed = new LossSeries();
    for (let i = 1; i <= 100; i++) resumed.add({ step: i, loss: 1 });
    resumed.truncateAfter(60);
    expect(resumed.length).toBe(60);
    expect(resumed.latest?.step).toBe(60);
    const small = new LossSeries();
    small.add({ step: 1, loss: 4 });
    expect(small.view(500)).toEqual([[1], [4], [null], [null]]);
  });
});
