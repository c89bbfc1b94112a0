import { describe, expect, it, vi } from 'vitest';
import type { BackendOptions, BackendReport } from '../../src/lib/model/backend';
import { ACTIVE_RUN_KEY, ActiveRunStore, parseActiveRun, type ActiveRun } from '../../src/lib/state/active-run';
import { BackendWorker } from '../../src/lib/state/backend-worker';
import { Latest } from '../../src/lib/state/latest';
import { RefreshQueue } from '../../src/lib/state/refresh-queue';
import { DEFAULT_TRAINING_FORM } from '../../src/lib/settings';

describe('Latest', () => {
  it('keeps only the newest ticket current; cancel makes every ticket stale', () => {
    const latest = new Latest();
    const a = latest.next();
    expect(a.current).toBe(true);
    const b = latest.next();
    expect([a.current, b.current]).toEqual([false, true]);
    latest.cancel();
    expect(b.current).toBe(false);
  });
});

describe('BackendWorker', () => {
  function fake() {
    const inits: (BackendOptions | undefined)[] = [];
    let closed = 0, fail = false;
    const worker = new BackendWorker(() => ({
      api: {
        init: async (o?: BackendOptions): Promise<BackendReport> => {
          inits.push(o);
          if (fail) throw new Error('no device');
          return { backend: o?.order?.[0] ?? 'webgpu', fallbacks: [] } as unknown as BackendReport;
        },
      },
      close: () => void closed++,
    }));
    return { worker, inits, closed: () => closed, failNext: () => void (fail = true) };
  }

  it('starts the backend once per choice and a fresh worker when the choice changes or it is closed', async () => {
    const f = fake();
    expect((await f.worker.ready('wasm')).report.backend).toBe('wasm');
    await f.worker.ready('wasm');
    expect(f.inits).toHaveLength(1);
    await f.worker.ready('cpu');
    expect(f.closed()).toBe(1);
    expect(f.inits.at(-1)).toEqual({ order: ['cpu'] });
    f.worker.close();
    expect(f.worker.report).toBeNull();
    f.failNext();
    await expect(f.worker.ready('auto')).rejects.toThrow('no device');
    expect(f.closed()).toBe(3); // a worker whose init failed is not kept
  });
});

describe('ActiveRunStore', () => {
  const storage = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
  };
  const record: ActiveRun = {
    version: 1, dataset: 'teaching', settings: { ...DEFAULT_TRAINING_FORM, categories: null, startFrom: 'scratch' },
    dropout: { datasetRate: 0.5, sampleRate: 0.5, overrides: {}, seed: 0 }, endStep: 100, lastStep: 0, savedStep: null,
  };

  it('writes the run as it goes, reads it back on the next visit, and forgets it when it ends', () => {
    const s = storage();
    const active = new ActiveRunStore(s);
    active.begin(structuredClone(record));
    active.update({ lastStep: 12, savedStep: 10 });
    expect(new ActiveRunStore(s).read()).toMatchObject({ lastStep: 12, savedStep: 10 });
    active.clear();
    expect(s.m.has(ACTIVE_RUN_KEY)).toBe(false);
  });

  it('drops a malformed record, and fills a setting added since a record was written with its default', () => {
    const s = storage();
    s.setItem(ACTIVE_RUN_KEY, '{"version":1}');
    expect(new ActiveRunStore(s).read()).toBeNull();
    expect(s.m.has(ACTIVE_RUN_KEY)).toBe(false);
    const { minLrRatio: _, ...older } = record.settings;
    const parsed = parseActiveRun(JSON.stringify({ ...record, settings: { ...older, minLr: 3e-4 } }));
    expect(parsed?.settings.minLrRatio).toBe(DEFAULT_TRAINING_FORM.minLrRatio);
    expect(parseActiveRun(JSON.stringify({ ...record, settings: { ...record.settings, lr: 5 } }))).toBeNull();
  });
});

describe('RefreshQueue', () => {
  it('debounces, runs one request at a time, replaces a waiting one, and drops answers after reset', async () => {
    vi.useFakeTimers();
    try {
      const sent: number[] = [], answers: number[] = [], pending: boolean[] = [];
      const release: (() => void)[] = [];
      const q = new RefreshQueue<number, number>({
        debounceMs: 100,
        send: (r) => {
          sent.push(r);
          return new Promise<number>((resolve) => release.push(() => resolve(r)));
        },
        onAnswer: (a) => void answers.push(a),
        onError: () => {},
        onPending: (p) => void pending.push(p),
      });
      q.schedule(1);
      q.schedule(2);
      await vi.advanceTimersByTimeAsync(100);
      expect(sent).toEqual([2]); // 1 was superseded during the debounce: never sent
      q.schedule(3);
      await vi.advanceTimersByTimeAsync(100);
      q.schedule(4);
      await vi.advanceTimersByTimeAsync(100);
      expect(sent).toEqual([2]); // 3 and 4 wait for 2; 4 replaced 3
      release.shift()!();
      await vi.advanceTimersByTimeAsync(0);
      expect(answers).toEqual([2]);
      expect(sent).toEqual([2, 4]);
      q.reset(); // a new worker: the answer of 4 is dropped
      release.shift()!();
      await vi.advanceTimersByTimeAsync(0);
      expect(answers).toEqual([2]);
      expect(pending[0]).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
