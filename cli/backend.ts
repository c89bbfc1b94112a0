/**
 * The TensorFlow.js backend of a CLI run. In Node the fastest one is wasm (single-threaded SIMD; it
 * finds its own .wasm files), then cpu. `--backend NAME` asks for one and fails if it cannot start.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName, type BackendReport } from '../src/lib/model/backend';
import { UsageError } from './errors';
import type { Io } from './output';

/** What Node can run, fastest first. */
export const NODE_BACKENDS = ['wasm', 'cpu'] as const satisfies readonly BackendName[];

export type NodeBackend = (typeof NODE_BACKENDS)[number];

/** Check a `--backend` value before any slow work. */
export function parseBackend(flag: string | undefined): NodeBackend | undefined {
  if (flag === undefined) return undefined;
  const known: readonly string[] = NODE_BACKENDS;
  if (!known.includes(flag)) throw new UsageError(`--backend expects ${NODE_BACKENDS.join(' or ')}, got "${flag}"`);
  return flag as NodeBackend;
}

/**
 * Start the requested backend, or the fastest that works. In human mode (`quiet` false) says on
 * stderr which backend runs, and why a faster one was skipped.
 *
 * @example
 * const report = await startBackend(parseBackend(ctx.flags.backend), ctx.io, ctx.flags.json);
 */
export async function startBackend(requested: NodeBackend | undefined, io: Io, quiet: boolean): Promise<BackendReport> {
  let report: BackendReport;
  // Silences tfjs's banner telling Node users to install tfjs-node, which this project does not use.
  tf.enableProdMode();
  try {
    report = await initBackend({ order: requested ? [requested] : NODE_BACKENDS });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new UsageError(requested ? `--backend ${requested} does not start here: ${why}` : why);
  }
  if (!quiet) {
    const skipped = report.fallbacks.map((f) => ` (${f.backend} skipped: ${f.reason})`).join('');
    io.stderr(`backend: ${report.backend}${skipped}\n`);
  }
  return report;
}
