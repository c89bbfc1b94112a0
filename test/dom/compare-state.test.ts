import { describe, expect, it } from 'vitest';
import { MAX_COLUMNS, MIN_COLUMNS, unreachableLength } from '../../src/lib/state/compare.svelte';
import { setup, THRESHOLDS } from './compare-fakes';

describe('CompareState', () => {
  it('starts with two columns on the demo checkpoint and reads its categories', async () => {
    const { compare } = setup();
    expect(compare.columns).toHaveLength(MIN_COLUMNS);
    await compare.start();
    const [a, b] = compare.columns;
    expect(a!.checkpoint).toBe('builtin:demo');
    expect(a!.model?.categories.map((c) => c.name)).toContain('length_bucket');
    expect(a!.model?.lengthThresholds).toEqual(THRESHOLDS);
    expect(a!.markers).toEqual({});
    expect(b!.markers).toEqual({ length_bucket: 'long' });
  });

  it('reads which values the training rows had: categories without any are not offered, a setting of an unseen value is kept and said, as in Play', async () => {
    const { compare, player } = setup({ values: { lang: { English: 80, French: 20 }, length_bucket: { concise: 50, medium: 50 } } });
    await compare.start();
    const [a, b] = compare.columns;
    expect(a!.model?.categories.map((c) => c.name)).toEqual(['lang', 'length_bucket']);
    expect(a!.model?.values?.lang).toEqual({ English: 80, French: 20 });
    // Column B asks for long answers, which no training row was: it runs that setting, and says why it may not hold.
    expect(b!.markers).toEqual({ length_bucket: 'long' });
    expect(b!.markerNotes).toEqual(['Kept length_bucket=long, though no training row had it: the model never learned it.']);
    expect(a!.markerNotes).toEqual([]);
    // A category the model was not trained with cannot be steered: left out, and said.
    b!.setMarker('domain', 'Legal');
    await compare.setCheckpoint(b!, 'builtin:demo');
    expect(b!.markerNotes).toEqual([
      'Kept length_bucket=long, though no training row had it: the model never learned it.',
      'Left out domain=Legal: this model was not trained with <domain> markers.',
    ]);
    compare.n = 2;
    await compare.run();
    expect(player.requests.at(-1)?.markers).toEqual({ length_bucket: 'long' });
    expect(b!.result?.markers).toEqual({ length_bucket: 'long' });
  });

  it('adds up to four columns and never goes below two', async () => {
    const { compare } = setup();
    compare.removeColumn(compare.columns[0]!.key);
    expect(compare.columns).toHaveLength(2);
    while (compare.addColumn());
    expect(compare.columns).toHaveLength(MAX_COLUMNS);
    expect(compare.canAdd).toBe(false);
    const third = compare.columns[2]!.key;
    compare.removeColumn(third);
    expect(compare.columns.map((c) => c.key)).not.toContain(third);
  });

  it('samples every column with the shared settings, loading a checkpoint only when it changes', async () => {
    const { compare, player, counts } = setup();
    await compare.start();
    compare.n = 6;
    compare.maxTokens = 40;
    compare.seed = 7;
    compare.prompt = 'Tell me about rain.';
    compare.columns[0]!.setMarker('length_bucket', 'concise');
    await compare.setCheckpoint(compare.addColumn()!, 'builtin:base');
    await compare.run();

    expect(counts.connects).toBe(1);
    expect(player.loads).toEqual([120, 700]); // demo once for A and B, then base for C
    expect(player.requests.map((r) => [r.prompt, r.seed, r.n, r.maxTokens, r.mode])).toEqual([
      ['Tell me about rain.', 7, 6, 40, 'fixed'], ['Tell me about rain.', 7, 6, 40, 'fixed'], ['Tell me about rain.', 7, 6, 40, 'fixed'],
    ]);
    expect(player.requests.map((r) => r.markers)).toEqual([{ length_bucket: 'concise' }, { length_bucket: 'long' }, {}]);

    const [a, b, c] = compare.columns;
    // Lengths 10…60 with concise < 30 ≤ medium ≤ 60 < long; 20, 40 and 60 were cut short. For concise,
    // only the cut 20 is undecided (the cut 40 and 60 are already too long); for long, all three are.
    expect(a!.result?.violations).toEqual([{ category: 'length_bucket', requested: 'concise', n: 5, cutShort: 1, violations: 4, rate: 4 / 5, unidentified: 0 }]);
    expect(b!.result?.violations).toEqual([{ category: 'length_bucket', requested: 'long', n: 3, cutShort: 3, violations: 3, rate: 1, unidentified: 0 }]);
    expect(c!.result?.violations).toEqual([]);
    expect(c!.model?.categories).toEqual([]);
    expect(compare.columns.map((col) => col.status)).toEqual(['done', 'done', 'done']);
    expect(compare.running).toBe(false);
  });

  it('keeps what a result ran with when the setting changes afterwards', async () => {
    const { compare } = setup();
    await compare.start();
    compare.n = 3;
    await compare.run();
    const b = compare.columns[1]!;
    expect(b.changedSinceRun).toBe(false);
    b.setMarker('length_bucket', 'concise');
    expect(b.changedSinceRun).toBe(true);
    expect(b.result?.markers).toEqual({ length_bucket: 'long' });
  });

  it('shows a column error next to that column and still runs the others', async () => {
    const { compare } = setup();
    await compare.start();
    compare.n = 2;
    await compare.setCheckpoint(compare.columns[0]!, 'builtin:gone');
    expect(compare.columns[0]!.modelError).toMatch(/Could not read "Gone": could not download models\/gone.safetensors: HTTP 404/);
    await compare.run();
    expect(compare.columns[0]!.status).toBe('error');
    expect(compare.columns[0]!.error).toMatch(/HTTP 404/);
    expect(compare.columns[1]!.status).toBe('done');
    expect(compare.columns[1]!.result?.samples).toHaveLength(2);
  });

  it('streams each answer after its block, and stop keeps finished columns', async () => {
    const { compare, player, counts } = setup();
    await compare.start();
    compare.n = 2;
    let release!: () => void;
    let reached!: () => void;
    const atGate = new Promise<void>((r) => (reached = r));
    player.gate = () => {
      reached();
      return new Promise<void>((r) => (release = r));
    };
    const running = compare.run();
    await atGate;
    // The live text is published every 100 ms: wait for it, not for a fixed time.
    const a = compare.columns[0]!;
    await expect.poll(() => a.live, { interval: 10 }).toEqual(['Hello', 'Hello']);
    expect(a.status).toBe('sampling');
    expect(a.tokens).toBe(2 * 6); // blockClose + 5 characters, per sample
    player.gate = async () => {};
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(a.status).toBe('done');
    // Column B is now sampling (gate open, so it finishes at once); a fresh run can be stopped mid-way.
    await running;
    player.gate = () => new Promise<void>(() => {});
    void compare.run();
    await new Promise((r) => setTimeout(r, 0));
    compare.stop();
    // In place: the draw is cancelled, the worker and its checkpoint stay for the next run.
    expect([player.cancels, counts.closed]).toEqual([1, 0]);
    expect(compare.running).toBe(false);
    expect(compare.columns.map((c) => c.status)).toEqual(['stopped', 'stopped']);
    player.gate = async () => {};
    await compare.run();
    expect(compare.columns.map((c) => c.status)).toEqual(['done', 'done']);
    expect([counts.connects, player.loads]).toEqual([1, [120]]);
  });

  it('starts its player on the backend plan it is given and shows that backend', async () => {
    const { compare, player } = setup({ backendPlan: { auto: async () => ({ order: ['webgl', 'cpu'] }) } });
    await compare.start();
    expect(compare.backend).toBeNull(); // no worker until a comparison runs
    await compare.run();
    expect(player.inits).toEqual([{ order: ['webgl', 'cpu'] }]);
    expect(compare.backend).toBe('webgl');
  });

  it('validates the shared settings before a run', async () => {
    const { compare, player } = setup();
    compare.n = 0;
    expect(compare.settingsError).toMatch(/Samples per column/);
    await compare.run();
    expect(player.requests).toEqual([]);
    compare.n = 4;
    compare.maxTokens = 2.5;
    expect(compare.settingsError).toMatch(/Max tokens/);
    compare.maxTokens = 50;
    expect(compare.settingsError).toBeNull();
  });
});

describe('unreachableLength', () => {
  it('warns when max tokens cannot reach the requested bucket', () => {
    expect(unreachableLength({ length_bucket: 'long' }, THRESHOLDS, 60)).toMatch(/more than 60 tokens/);
    expect(unreachableLength({ length_bucket: 'long' }, THRESHOLDS, 61)).toBeNull();
    expect(unreachableLength({ length_bucket: 'medium' }, THRESHOLDS, 29)).toMatch(/at least 30/);
    expect(unreachableLength({ length_bucket: 'concise' }, THRESHOLDS, 5)).toBeNull();
    expect(unreachableLength({ length_bucket: 'long' }, undefined, 5)).toBeNull();
  });

  it('converts the character buckets to tokens for a BPE model', () => {
    // Long needs > 60 characters: at 3 characters per token, 21 tokens.
    expect(unreachableLength({ length_bucket: 'long' }, THRESHOLDS, 20, 3)).toBe('long answers need more than 60 characters (about 21 tokens); max tokens is 20');
    expect(unreachableLength({ length_bucket: 'long' }, THRESHOLDS, 21, 3)).toBeNull();
  });
});
