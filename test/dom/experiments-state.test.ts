/**
 * ExperimentsState with an in-process stand-in for the experiment worker: the form's grid becomes
 * the cells, results are stored as they finish, a reload restores them and resumes at the first
 * unfinished cell, and a bad field is named before anything runs.
 */
import { describe, expect, it } from 'vitest';
import type { CellResult } from '../../src/lib/experiment/run-cell';
import type { SweepCell, SweepSpec } from '../../src/lib/experiment/sweep';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { ExperimentsState, SWEEP_KEY } from '../../src/lib/state/experiments.svelte';
import type { CheckpointsState } from '../../src/lib/state/checkpoints.svelte';
import type { CellEvent, ExperimentApi } from '../../workers/experiment.api';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

/** Answers each cell with a result whose numbers depend on the cell (so mix-ups show). */
function standIn(failOn?: string) {
  const ran: string[] = [];
  const api: ExperimentApi = {
    init: async () => ({ backend: 'cpu', fallbacks: [] }) as never,
    stop: () => {},
    async runCell(spec: SweepSpec, _rows, _tax, cell: SweepCell, onEvent: (e: CellEvent) => void) {
      if (cell.id === failOn) throw new Error('the GPU stopped responding');
      ran.push(cell.id);
      onEvent({ kind: 'progress', step: spec.steps, totalSteps: spec.steps, loss: 2, tokensPerSec: 1000 });
      const result: CellResult = {
        cell, train: { steps: spec.steps, loss: 2, valLoss: 2 + cell.datasetRate, valLossNoMarkers: 2, tokensPerSec: 1000, elapsedMs: 10 },
        ...(cell.markers ? { accuracy: { lang: { correct: 1, total: 2, accuracy: cell.datasetRate, missing: 0 } } } : {}),
        lengths: {}, losses: [], evalMs: 1,
      };
      return { result, checkpoint: new Uint8Array([cell.seed]) };
    },
  };
  return { api, ran };
}

const checkpoints = { saveBytes: async (_b: Uint8Array, o: { name?: string }) => `id-${o.name}` } as unknown as CheckpointsState;
const rows = async () => ({ rows: [{ id: 'r1', prompt: 'p', completion: 'c', markers: { lang: 'French' } }], taxonomy: defaultTaxonomy() });

describe('ExperimentsState', () => {
  it('runs the form grid cell by cell, stores each result, and reads the findings off them', async () => {
    const storage = memoryStorage();
    const { api, ran } = standIn();
    const s = new ExperimentsState({ connect: () => ({ api, close: () => {} }), rows, checkpoints, storage });
    s.datasetRates = '0, 0.5';
    s.seeds = '1';
    await s.run('teaching');
    expect(ran).toEqual(['baseline-s1', 'x0-y0.5-s1', 'x0.5-y0.5-s1']);
    expect(s.sweep!.results.map((r) => r.train.valLoss)).toEqual([2, 2, 2.5]);
    expect(s.sweep!.checkpoints['x0.5-y0.5-s1']).toBe('id-sweep x0.5-y0.5-s1');
    expect(s.findings.map((f) => f.id)).toEqual([1, 2, 3, 4]);
    expect(s.findings[0]!.holds).toBe(true); // accuracy 0 at X=0 against 0.5 at X=0.5
    expect(s.exportCsv().trim().split('\n')).toHaveLength(4);
    expect(JSON.parse(storage.m.get(SWEEP_KEY)!).results).toHaveLength(3);
  });

  it('after a failure and a reload, resumes at the first unfinished cell', async () => {
    const storage = memoryStorage();
    const first = standIn('x0.5-y0.5-s1');
    const a = new ExperimentsState({ connect: () => ({ api: first.api, close: () => {} }), rows, checkpoints, storage });
    a.datasetRates = '0, 0.5';
    await a.run('teaching');
    expect(a.error).toMatch(/the GPU stopped responding/);
    expect(first.ran).toEqual(['baseline-s1', 'x0-y0.5-s1']);

    const second = standIn();
    const b = new ExperimentsState({ connect: () => ({ api: second.api, close: () => {} }), rows, checkpoints, storage });
    b.start();
    expect(b.sweep!.results).toHaveLength(2);
    expect(b.pending.map((c) => c.id)).toEqual(['x0.5-y0.5-s1']);
    await b.resume();
    expect(second.ran).toEqual(['x0.5-y0.5-s1']);
    expect(b.pending).toEqual([]);
  });

  it('names a bad field and runs nothing', async () => {
    const { api, ran } = standIn();
    const s = new ExperimentsState({ connect: () => ({ api, close: () => {} }), rows, checkpoints, storage: memoryStorage() });
    s.datasetRates = '0, half';
    await s.run('teaching');
    expect(s.formError).toBe('Dataset-level dropout: expected numbers separated by commas, got "0, half"');
    s.datasetRates = '0, 1.5';
    await s.run('teaching');
    expect(s.formError).toMatch(/every rate must be in \[0, 1\], got 1.5/);
    expect(ran).toEqual([]);
  });
});
