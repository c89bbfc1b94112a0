import type { LengthBucketOptions } from '../../src/lib/markers/annotate-dataset';
import type { PreparedDataset } from '../../src/lib/data/pipeline';
import type { TokenizerChoice } from '../../src/lib/tokenizer/tokenizer';
import { parseSetting, TRAINING, TRAINING_CHOICES, tokenizerChoiceOf, type NumberSetting } from '../../src/lib/settings';
import { UsageError } from '../errors';
import { loadSource } from '../source';
import type { CommandContext } from './index';

/** The one positional `<file|builtin:NAME>` most commands take, loaded and annotated. */
export async function sourceFrom(ctx: CommandContext, command: string): Promise<PreparedDataset> {
  const [spec, ...extra] = ctx.positionals;
  if (spec === undefined) throw new UsageError(`${command} needs a data file or builtin:NAME`);
  if (extra.length > 0) throw new UsageError(`${command} takes one data source, got also "${extra.join(' ')}"`);
  return loadSource(spec, {
    lenient: ctx.flags.lenient,
    wrapper: ctx.flags.wrapper,
    lengthBuckets: parseLengthBuckets(ctx.flags['length-buckets']),
    warn: (line) => ctx.io.stderr(`${line}\n`),
  });
}

export function parseLengthBuckets(value: string): LengthBucketOptions {
  if (value === 'quantile' || value === 'paper') return { mode: value };
  const m = /^(\d+),(\d+)$/.exec(value);
  if (m && Number(m[1]) < Number(m[2])) return { mode: 'fixed', concise: Number(m[1]), medium: Number(m[2]) };
  throw new UsageError(`--length-buckets expects quantile, paper or two increasing token counts like 80,250; got "${value}"`);
}

/** For commands that take no `<file|builtin:NAME>`. */
export function noPositionals(ctx: CommandContext, command: string): void {
  if (ctx.positionals.length > 0) throw new UsageError(`${command} takes no arguments, got "${ctx.positionals.join(' ')}"`);
}

/**
 * A flag for a setting of the schema (src/lib/settings): its default when absent, else the value,
 * refused with the same message the form and the link use.
 *
 * @example
 * settingFlag(TRAINING.lr, '5'); // throws UsageError('--lr 5: Learning rate must be a number above 0 and at most 1.')
 */
export function settingFlag(setting: NumberSetting & { flag: string }, value: string | undefined, fallback = setting.default): number {
  if (value === undefined) return fallback;
  const parsed = parseSetting(setting, value);
  if (!parsed.ok) throw new UsageError(`--${setting.flag} ${JSON.stringify(value)}: ${parsed.message}`);
  return parsed.value;
}

/** A number flag in [lo, hi], or the default when absent. */
export function numberFlag(name: string, value: string | undefined, fallback: number, lo: number, hi: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < lo || n > hi) {
    throw new UsageError(`--${name} expects a number from ${lo} to ${hi}, got "${value}"`);
  }
  return n;
}

/** An integer flag in [lo, hi], or the default when absent. */
export function integerFlag(name: string, value: string | undefined, fallback: number, lo: number, hi: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\s*[-+]?\d+\s*$/.test(value) || n < lo || n > hi) {
    throw new UsageError(`--${name} expects an integer from ${lo} to ${hi}, got "${value}"`);
  }
  return n;
}

export function listFlag(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** --tokenizer bpe|char and --merges N (bpe only), defaults from the settings (src/lib/settings/training.ts). */
export function parseTokenizer(kind: string | undefined, merges: string | undefined): TokenizerChoice {
  const choice = kind ?? TRAINING_CHOICES.tokenizer.default;
  if (!(TRAINING_CHOICES.tokenizer.options as readonly string[]).includes(choice)) {
    throw new UsageError(`--tokenizer expects ${TRAINING_CHOICES.tokenizer.options.join(' or ')}, got "${choice}"`);
  }
  if (choice === 'char') {
    if (merges !== undefined) throw new UsageError('--merges needs --tokenizer bpe');
    return { kind: 'char' };
  }
  return tokenizerChoiceOf({ tokenizer: 'bpe', merges: settingFlag(TRAINING.merges, merges) });
}
