/**
 * The Arbitrage view's pool, made in the browser: building the comparison's teachers (PoolBuild, on a
 * fake trainer driven step by step) stores each as an ordinary checkpoint with the CLI's recipe and
 * keeps the finished ones when stopped; answering (PoolAnswers, on a fake player whose teachers answer
 * in known languages) routes with the CLI's code into the record the view shows, and exports the set.
 */
import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { PAPER_ARBITRAGE, paperSplit } from '../../src/lib/arbitrage/paper';
import { longestTeacherSteps, POOL_CHECKPOINT, scaleTeacherSteps } from '../../src/lib/arbitrage/teaching-pool';
import type { Row } from '../../src/lib/data/types';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { fromSafetensors, toSafetensors } from '../../src/lib/model/checkpoint';
import { trainedCategories } from '../../src/lib/model/checkpoint-record';
import type { CheckpointStore } from '../../src/lib/model/checkpoint-store';
import { ArbitrageState } from '../../src/lib/state/arbitrage.svelte';
import { CheckpointsState } from '../../src/lib/state/checkpoints.svelte';
import { PoolAnswers } from '../../src/lib/state/pool-answers.svelte';
import { PoolBuild } from '../../src/lib/state/pool-build.svelte';
import ArbitrageView from '../../src/ui/arbitrage/ArbitrageView.svelte';
import type { AnswerRequest, ModelInfo, PlayerApi } from '../../workers/player.api';
import { makeRecord } from '../fixtures/checkpoint-record';
import { FakeTrainer, MemoryStore } from './train-fakes';

afterEach(cleanup);

/** One sentence pair per language (identifiable, in the data's vocabulary). */
const SAY: Record<string, string> = {
  English: 'The cat sleeps on the warm mat. We like the small garden near the house.',
  French: 'Le chat dort sur le tapis chaud. Nous aimons le petit jardin près de la maison.',
  Spanish: 'El gato duerme en la alfombra caliente. Nos gusta el pequeño jardín cerca de la casa.',
  German: 'Die Katze schläft auf der warmen Matte. Wir mögen den kleinen Garten neben dem Haus.',
  Italian: 'Il gatto dorme sul tappeto caldo. Ci piace il piccolo giardino vicino alla casa.',
};
const LANGS = ['English', 'English', 'French', 'Spanish', 'English', 'French', 'German', 'Italian'];

function teachingRows(n = 900): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const lang = LANGS[i % LANGS.length]!;
    return { id: `teaching:${i}`, prompt: `Question ${i}?`, completion: SAY[lang]!, markers: { lang, domain: i % 3 ? 'Culture' : 'Sciences' } };
  });
}

function world() {
  const store = new MemoryStore();
  const base = toSafetensors({ ...makeRecord(), step: 700 });
  const checkpoints = new CheckpointsState(store as unknown as CheckpointStore, [
    { id: 'builtin:base', name: 'Base: no markers', description: 'base', path: 'models/base.safetensors' },
  ], { fetch: async () => new Response(base.slice()) });
  const rows = teachingRows();
  const teaching = async () => ({ rows, taxonomy: defaultTaxonomy() });
  return { store, checkpoints, rows, teaching };
}

describe('PoolBuild', () => {
  it('fine-tunes the spec\'s teachers from the base with the CLI recipe and stores each as "pool: <teacher>"', async () => {
    const { store, checkpoints, rows, teaching } = world();
    const trainers: FakeTrainer[] = [];
    const build = new PoolBuild({ connect: () => ({ api: trainers[trainers.push(new FakeTrainer()) - 1]!, close: () => {} }), teaching, checkpoints });
    build.teacherSteps = 6;
    const steps = scaleTeacherSteps(PAPER_ARBITRAGE, 6 / longestTeacherSteps(PAPER_ARBITRAGE)).teachers.map((t) => t.steps);
    expect(Math.max(...steps)).toBe(6);
    expect(build.plan.map((t) => t.steps)).toEqual(steps);
    await build.build();
    expect(build.error).toBeNull();
    expect(build.phase).toBe('done');
    expect(build.saved).toEqual(PAPER_ARBITRAGE.teachers.map((t) => t.name));
    const setups = trainers[0]!.setups;
    const split = paperSplit(rows, PAPER_ARBITRAGE);
    expect(setups.map((s) => s.steps)).toEqual(steps);
    expect(setups.map((s) => s.rows.length)).toEqual(PAPER_ARBITRAGE.teachers.map((t) => split.teacherRows[t.name]!.length));
    for (const s of setups) {
      expect(s.lr).toBe(PAPER_ARBITRAGE.lr);
      expect(s.categories).toEqual(PAPER_ARBITRAGE.categories);
      expect(s.batchSize).toBe(PAPER_ARBITRAGE.batchSize);
      expect(s.dropout).toMatchObject({ datasetRate: 0.5, sampleRate: 0.5 });
      expect(fromSafetensors(s.init!).step).toBe(700); // from the base model
    }
    const stored = await store.list();
    expect(stored.map((c) => [c.id, c.name]).sort()).toEqual(PAPER_ARBITRAGE.teachers.map((t) => [POOL_CHECKPOINT.id(t.name), `pool: ${t.name}`]).sort());
    expect(stored.find((c) => c.name === 'pool: english')!.metrics.about).toMatch(/mostly English rows/);
    // Building again replaces them (fixed ids).
    await build.build();
    expect((await store.list()).length).toBe(PAPER_ARBITRAGE.teachers.length);
  });

  it('keeps the finished teachers when stopped midway and says so', async () => {
    const { store, checkpoints, teaching } = world();
    let build: PoolBuild;
    const trainer = new FakeTrainer();
    trainer.gate = async () => {
      if (trainer.setups.length === 2 && build.step === 0) build.stop();
    };
    build = new PoolBuild({ connect: () => ({ api: trainer, close: () => {} }), teaching, checkpoints });
    build.teacherSteps = 4;
    await build.build();
    expect(build.phase).toBe('stopped');
    expect(build.saved).toEqual(['english']);
    expect((await store.list()).map((c) => c.name)).toEqual(['pool: english']);
    expect(trainer.calls).toContain('stop');
  });

  it('refuses a step count out of limits in words', async () => {
    const { checkpoints, teaching } = world();
    const build = new PoolBuild({ connect: () => ({ api: new FakeTrainer(), close: () => {} }), teaching, checkpoints });
    build.teacherSteps = 0;
    await build.build();
    expect(build.error).toMatch(/Steps of the longest teacher must be a whole number/);
    expect(build.phase).toBe('idle');
  });
});

/** A player whose checkpoint "pool: english" answers in English and every other one in the prompt's French/Spanish, else French. */
class AnsweringPlayer {
  loaded = '';
  cancelled = false;
  requests: AnswerRequest[] = [];
  onAnswered: (done: number) => void = () => {};
  async init() {
    return { backend: 'cpu' as const, fallbacks: [] };
  }
  async load(bytes: Uint8Array): Promise<ModelInfo> {
    const r = fromSafetensors(bytes);
    this.loaded = String(r.metrics.name ?? '');
    return { config: r.config, tokenizer: r.tokenizer, taxonomy: r.taxonomy, step: r.step, categories: trainedCategories(r) };
  }
  cancel() {
    this.cancelled = true;
  }
  async answer(req: AnswerRequest, onAnswer?: (done: number, total: number) => void | Promise<void>) {
    this.requests.push(req);
    this.cancelled = false;
    const candidates = [];
    for (const [i, p] of req.prompts.entries()) {
      if (this.cancelled) return { candidates, cancelled: true };
      const asked = p.markers.lang ?? 'English';
      const lang = req.teacher === 'pool: english' ? 'English' : asked === 'Spanish' ? 'Spanish' : 'French';
      candidates.push({ teacher: req.teacher, promptId: p.id, completion: SAY[lang]! });
      await onAnswer?.(i + 1, req.prompts.length);
      this.onAnswered(i + 1);
    }
    return { candidates, cancelled: false };
  }
  /** The device is never lost here (test/dom/play-loss.test.ts covers a loss). */
  lost() {
    return new Promise<never>(() => {});
  }
  numTensors() {
    return 0;
  }
}

async function answering() {
  const w = world();
  for (const t of PAPER_ARBITRAGE.teachers.slice(0, 2)) await w.store.save(makeRecord(), { id: POOL_CHECKPOINT.id(t.name), name: POOL_CHECKPOINT.name(t.name) });
  await w.checkpoints.refresh();
  const player = new AnsweringPlayer();
  const arbitrage = new ArbitrageState();
  const answers = new PoolAnswers({ connect: () => ({ api: player as unknown as PlayerApi, close: () => {} }), teaching: w.teaching, checkpoints: w.checkpoints, arbitrage });
  answers.calibrationPrompts = 16;
  answers.routePrompts = 40;
  return { ...w, player, arbitrage, answers };
}

describe('PoolAnswers', () => {
  it('pre-selects the built pool, has every member answer, and routes with every router into the view\'s record', async () => {
    const { player, arbitrage, answers } = await answering();
    expect(answers.pool.map((m) => m.name)).toEqual(['pool: english', 'pool: french-spanish']);
    await answers.run();
    expect(answers.error).toBeNull();
    expect(answers.phase).toBe('done');
    expect(player.requests.map((r) => [r.teacher, r.prompts.length])).toEqual([['pool: english', 56], ['pool: french-spanish', 56]]);
    expect(player.requests[0]!.sampling).toMatchObject({ mode: 'fixed', temperature: PAPER_ARBITRAGE.temperature, seed: PAPER_ARBITRAGE.seed });
    const r = arbitrage.results!;
    expect(r.pool.map((p) => p.name)).toEqual(['pool: english', 'pool: french-spanish']);
    expect(r.calibrationPrompts).toHaveLength(16);
    expect(r.prompts).toHaveLength(40);
    expect(r.candidates).toHaveLength(112);
    expect(r.routers.map((o) => o.kind)).toEqual(['single', 'random', 'fixed', 'reward', 'learned']);
    arbitrage.setRouter('reward');
    const share = (lang: string, teacher: string) => arbitrage.outcome!.byLanguage.groups.find((g) => g.value === lang)!.shares[teacher];
    expect(share('English', 'pool: english')).toBe(1);
    expect(share('French', 'pool: french-spanish')).toBe(1);
    expect(share('Spanish', 'pool: french-spanish')).toBe(1);

    const file = arbitrage.setJsonl()!;
    expect(file.fileName).toBe('arbitrage-reward.jsonl');
    const lines = file.text.trim().split('\n').map((l) => JSON.parse(l) as { teacher: string; input: string });
    expect(lines).toHaveLength(40);
    expect(new Set(lines.map((l) => l.teacher))).toEqual(new Set(['pool: english', 'pool: french-spanish']));
  });

  it('stops in place: the draw is cancelled and nothing is routed', async () => {
    const { player, arbitrage, answers } = await answering();
    player.onAnswered = (done) => {
      if (done === 3) answers.stop();
    };
    await answers.run();
    expect(answers.phase).toBe('stopped');
    expect(player.requests).toHaveLength(1);
    expect(arbitrage.results).toBeNull();
  });

  it('asks for two or more checkpoints', async () => {
    const { answers } = await answering();
    answers.toggle(POOL_CHECKPOINT.id('english'));
    expect(answers.problem).toMatch(/two or more checkpoints/);
  });
});

describe('ArbitrageView with the pool panel', () => {
  it('offers the build with its steps, and lists every checkpoint with the built pool checked', async () => {
    const { arbitrage, answers, checkpoints, teaching } = await answering();
    const build = new PoolBuild({ connect: () => ({ api: new FakeTrainer(), close: () => {} }), teaching, checkpoints });
    render(ArbitrageView, { arbitrage, build, answers });
    expect(screen.getByRole('button', { name: 'Build the teaching pool' })).toBeTruthy();
    expect((screen.getByRole('spinbutton', { name: 'Steps of the longest teacher' }) as HTMLInputElement).value).toBe('60');
    expect((screen.getByRole('checkbox', { name: /pool: english/ }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('checkbox', { name: /Base: no markers/ }) as HTMLInputElement).checked).toBe(false);
    expect(screen.getByRole('button', { name: 'Answer and route' })).toBeTruthy();
  });
});
