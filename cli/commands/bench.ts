import { PRESETS, type PresetName } from '../../src/lib/model/config';
import { BENCH_NOTE, benchCase, benchCases, type BenchResult } from '../../src/lib/model/bench';
import { CLI_BACKENDS, parseBackend, startBackend } from '../backend';
import { UsageError } from '../errors';
import { printJson } from '../output';
import { noPositionals } from './common';
import type { CommandContext } from './index';
import { errorMessage } from '../../src/lib/util/errors';

/**
 * `markerlab bench [--backend B] [--preset P] [--json]`: per Node backend and model, training
 * tokens/s and ms/step, decoding ms/token with and without the KV cache across context lengths,
 * and live tensors before/after training and generation. A benchmark, never a test.
 * The measuring lives in src/lib/model/bench.ts, shared with the browser bench page (/?view=bench).
 */
export async function bench(ctx: CommandContext): Promise<number> {
  noPositionals(ctx, 'bench');
  const only = parseBackend(ctx.flags.backend);
  const presets = ctx.flags.preset === undefined ? (['nano', 'tiny'] as PresetName[]) : [checkPreset(ctx.flags.preset)];
  const cases = benchCases([...presets, 'peer']);
  const results: Array<BenchResult | { backend: string; skipped: string }> = [];
  for (const backend of only ? [only] : CLI_BACKENDS) {
    if (backend === 'webgpu') {
      // WebGPU only where Dawn finds an adapter; otherwise skipped with the reason.
      try {
        await startBackend(backend, ctx.io, true, { strict: true });
      } catch (err) {
        const reason = errorMessage(err);
        if (only) throw err;
        results.push({ backend, skipped: reason });
        if (!ctx.flags.json) ctx.io.stderr(`bench: ${backend} skipped: ${reason}\n`);
        continue;
      }
    } else {
      await startBackend(backend, ctx.io, true);
    }
    for (const c of cases) {
      if (!ctx.flags.json) ctx.io.stderr(`bench: ${backend} ${c.name}…\n`);
      const r = await benchCase(backend, c);
      results.push(r);
      if (!ctx.flags.json) ctx.io.stdout(`${line(r)}\n`);
    }
  }
  if (ctx.flags.json) printJson(ctx.io, { note: BENCH_NOTE, results });
  return 0;
}

function checkPreset(flag: string): PresetName {
  if (flag in PRESETS) return flag as PresetName;
  throw new UsageError(`--preset expects ${Object.keys(PRESETS).join(', ')}, got "${flag}"`);
}

function line(r: BenchResult): string {
  return `${r.backend.padEnd(6)} ${r.model.padEnd(5)} train ${String(r.trainTokensPerSec).padStart(7)} tok/s (${r.msPerStep} ms/step)  ` +
    `KV cache ×${r.cacheSpeedupAtFullContext} at full context, cost growth ×${r.cachedCostGrowth16ToFull}  ` +
    `tensors train ${r.tensors.beforeTraining}→${r.tensors.afterTraining}, generate ${r.generationTensors.before}→${r.generationTensors.after}`;
}
