/**
 * Compare's defaults agree with themselves (issue 11): column B asks for long answers, and the
 * default max tokens follows the columns' models, so the view never opens with its own "Max tokens
 * is too small" warning — for the demo's length rule and for a rule whose long bucket lies beyond
 * the static default budget (the case that used to warn).
 */
import { cleanup, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckpointStore } from '../../src/lib/model/checkpoint-store';
import { toSafetensors } from '../../src/lib/model/checkpoint';
import { COMPARE } from '../../src/lib/settings';
import { CheckpointsState } from '../../src/lib/state/checkpoints.svelte';
import { CompareState } from '../../src/lib/state/compare.svelte';
import CompareView from '../../src/ui/compare/CompareView.svelte';
import { makeRecord } from '../fixtures/checkpoint-record';
import { FakePlayer } from './compare-fakes';

afterEach(cleanup);

const noStore = { list: async () => [], survey: async () => ({ checkpoints: [], unreadable: [] }), estimate: async () => null } as unknown as CheckpointStore;

/** Compare with the default settings over a demo checkpoint whose length rule is `thresholds` (characters; the fixture's tokenizer is per character). */
async function open(thresholds: { mode: 'labels'; concise: number; medium: number }) {
  const demo = toSafetensors({ ...makeRecord(), training: { categories: null, lengthThresholds: thresholds } });
  const checkpoints = new CheckpointsState(noStore, [{ id: 'builtin:demo', name: 'Demo', description: 'marker-tuned', path: 'models/demo.safetensors' }], {
    fetch: async () => new Response(demo.slice()),
  });
  const compare = new CompareState({ connect: () => ({ api: new FakePlayer(), close: () => {} }), checkpoints });
  render(CompareView, { compare });
  await compare.start();
  await expect.poll(() => compare.columns.every((c) => c.model !== null)).toBe(true);
  await tick();
  return compare;
}

const warnings = () => screen.queryAllByText(/Max tokens is too small/);

describe('Compare defaults', () => {
  for (const [what, thresholds] of [
    ['the demo model\'s length rule (64 / 128)', { mode: 'labels', concise: 64, medium: 128 }],
    ['a long bucket beyond the static default budget', { mode: 'labels', concise: 200, medium: COMPARE.maxTokens.default + 100 }],
  ] as const) {
    it(`raise no "max tokens is too small" warning with ${what}`, async () => {
      const compare = await open(thresholds);
      expect(compare.columns[1]!.markers).toEqual({ length_bucket: 'long' });
      expect(warnings()).toHaveLength(0);
      expect(compare.maxTokens).toBeGreaterThan(thresholds.medium);
      // The same view with the static default would warn where it cannot reach the long bucket: the check is live.
      compare.maxTokens = COMPARE.maxTokens.default;
      await tick();
      expect(warnings()).toHaveLength(thresholds.medium >= COMPARE.maxTokens.default ? 1 : 0);
    });
  }
});
