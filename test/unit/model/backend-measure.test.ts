/**
 * The measuring chooser on Node's backends (wasm single-threaded, cpu): it times each, picks by
 * the ranking rule, leaves no tensors behind, and stops on cancel. Contracts, not speeds.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CancelledError, chooseBackend, measureBackends } from '../../../src/lib/model/backend-measure';
import { presetConfig } from '../../../src/lib/model/config';

const config = presetConfig('nano', 64, 1);

describe('chooseBackend', () => {
  it.each(['inference', 'training'] as const)('times %s on wasm and cpu and starts the winner', async (work) => {
    const before = tf.memory().numTensors;
    const report = await chooseBackend({ work, config, candidates: ['wasm', 'cpu'] });
    const timings = report.decision!.timings;
    expect(timings.map((t) => t.backend)).toEqual(['wasm', 'cpu']);
    for (const t of timings) expect(t.msPerToken).toBeGreaterThan(0);
    expect(timings[0]!.threads).toBe(1);
    expect(report.backend).toBe(report.decision!.backend);
    expect(tf.getBackend()).toBe(report.backend);
    expect(report.decision!.reason).toMatch(/ms\/token .*— chose /);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says why a backend that cannot start here has no figure', async () => {
    const timings = await measureBackends({ work: 'inference', config, candidates: ['webgl', 'cpu'] });
    expect(timings[0]).toMatchObject({ backend: 'webgl', skipped: expect.stringMatching(/^did not start: /) });
    expect(timings[1]!.msPerToken).toBeGreaterThan(0);
  });

  it('stops between steps when cancelled', async () => {
    await expect(measureBackends({ work: 'training', config, candidates: ['cpu'] }, {}, { aborted: true })).rejects.toBeInstanceOf(CancelledError);
  });
});
