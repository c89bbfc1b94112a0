/**
 * One number a person can set — in a form, a link or a CLI flag — described once: its label, its
 * one-line help, its default and its limits. Everything else (the zod schema, the message for a
 * refused value, the CLI help line) is derived from this record, so the UI, the URL codec and the
 * CLI cannot disagree on a limit or word it differently.
 *
 * @example
 * const lr = numberSetting({ label: 'Learning rate', help: 'Peak step size.', default: 1e-3, min: 0, above: true, max: 1 });
 * settingProblem(lr, 5);   // 'Learning rate must be a number above 0 and at most 1.'
 * settingProblem(lr, 0.01); // null
 */
import { z } from 'zod';

/** The limits of a seed: a signed 32-bit integer (what the seeded generators take). */
export const INT32 = Object.freeze({ min: -(2 ** 31), max: 2 ** 31 - 1 });

export interface NumberSetting {
  /** Names the value in the UI and in messages: "Learning rate". */
  readonly label: string;
  /** One line: the UI's hint under the field and the CLI's --help text. */
  readonly help: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** True: the minimum itself is refused (a learning rate of 0 trains nothing). */
  readonly above?: boolean;
  /** True: whole numbers only. */
  readonly integer?: boolean;
  /** The CLI flag without its dashes, where the CLI takes this setting. */
  readonly flag?: string;
  /** The query parameter, where a link carries this setting. */
  readonly url?: string;
}

/** A setting chosen from a few names (`--block-order shuffled|canonical`). */
export interface ChoiceSetting<T extends string> {
  readonly label: string;
  readonly help: string;
  readonly default: T;
  readonly options: readonly T[];
  readonly flag?: string;
  readonly url?: string;
}

/**
 * Declare a number setting; checks that its default is within its own limits.
 *
 * @example
 * const steps = numberSetting({ label: 'Steps', help: 'Optimizer updates.', default: 1000, min: 1, max: 1_000_000, integer: true });
 */
export function numberSetting<S extends NumberSetting>(s: S): S {
  if (settingProblem(s, s.default) !== null) throw new Error(`the default of "${s.label}" (${s.default}) is outside its own limits`);
  return Object.freeze(s);
}

/**
 * Declare a choice setting.
 *
 * @example
 * const order = choiceSetting({ label: 'Block order', help: '…', default: 'shuffled', options: ['shuffled', 'canonical'] as const });
 */
export function choiceSetting<const T extends string>(s: ChoiceSetting<T>): ChoiceSetting<T> {
  if (!s.options.includes(s.default)) throw new Error(`the default of "${s.label}" is not one of its options`);
  return Object.freeze(s);
}

/**
 * The allowed range in words, e.g. "a whole number from 1 to 1,000,000".
 *
 * @example
 * rangeText({ label: 'p', help: '', default: 1, min: 0, above: true, max: 1 }); // 'a number above 0 and at most 1'
 */
export function rangeText(s: NumberSetting): string {
  const n = (v: number) => v.toLocaleString('en', { maximumFractionDigits: 10 });
  const kind = s.integer ? 'a whole number' : 'a number';
  return s.above ? `${kind} above ${n(s.min)} and at most ${n(s.max)}` : `${kind} from ${n(s.min)} to ${n(s.max)}`;
}

/**
 * The one message for a refused value, the same in the UI, for a link and at the CLI.
 *
 * @example
 * settingMessage(TRAINING.steps); // 'Steps must be a whole number from 1 to 1,000,000.'
 */
export function settingMessage(s: NumberSetting): string {
  return `${s.label} must be ${rangeText(s)}.`;
}

/**
 * The zod schema of one number setting (every failure carries `settingMessage`).
 *
 * @example
 * numberSchema(TRAINING.lr).safeParse(2).success; // false
 */
export function numberSchema(s: NumberSetting): z.ZodNumber {
  const error = settingMessage(s);
  let schema = z.number({ error });
  if (s.integer) schema = schema.int({ error });
  schema = s.above ? schema.gt(s.min, { error }) : schema.gte(s.min, { error });
  return schema.lte(s.max, { error });
}

/**
 * What is wrong with `value` for `s`, or null when it is allowed.
 *
 * @example
 * settingProblem(TRAINING.batchSize, 0); // 'Batch size must be a whole number from 1 to 4,096.'
 */
export function settingProblem(s: NumberSetting, value: unknown): string | null {
  const r = numberSchema(s).safeParse(value);
  return r.success ? null : (r.error.issues[0]?.message ?? settingMessage(s));
}

/**
 * Parse text (a flag, a query parameter): the number, or the message if it is refused. Blank text is refused.
 *
 * @example
 * parseSetting(TRAINING.steps, '2.5'); // { ok: false, message: 'Steps must be a whole number from 1 to 1,000,000.' }
 */
export function parseSetting(s: NumberSetting, text: string): { ok: true; value: number } | { ok: false; message: string } {
  const value = text.trim() === '' ? NaN : Number(text);
  const problem = settingProblem(s, value);
  return problem === null ? { ok: true, value } : { ok: false, message: problem };
}

/**
 * The defaults of a group of settings, keyed like the group.
 *
 * @example
 * defaultsOf({ steps: TRAINING.steps }); // { steps: 1000 }
 */
export function defaultsOf<G extends Record<string, { readonly default: unknown }>>(group: G): { -readonly [K in keyof G]: G[K]['default'] } {
  return Object.fromEntries(Object.entries(group).map(([k, s]) => [k, s.default])) as { -readonly [K in keyof G]: G[K]['default'] };
}

/**
 * The CLI --help entry for a setting: flag, help, default and limits, wrapped at 100 columns.
 *
 * @example
 * helpLine(TRAINING.lr);
 * // '  --lr X                    Peak step size, reached after warm-up (default …; a number above 0 and at most 1)'
 */
export function helpLine(s: NumberSetting | ChoiceSetting<string>, flag = s.flag): string {
  if (!flag) throw new Error(`"${s.label}" has no CLI flag`);
  const choice = 'options' in s;
  const value = choice ? s.options.join('|') : s.integer ? 'N' : 'X';
  const text = `${s.help.replace(/\.$/, '')} (default ${String(s.default)}${choice ? '' : `; ${rangeText(s)}`})`;
  const head = `  --${flag} ${value}`;
  const indent = ' '.repeat(28);
  const lines: string[] = [];
  let line = head.length < 28 ? head.padEnd(28) : `${head}\n${indent}`;
  let width = 28;
  for (const word of text.split(' ')) {
    if (width + word.length > 100 && width > 28) {
      lines.push(line.trimEnd());
      line = indent;
      width = 28;
    }
    line += `${word} `;
    width += word.length + 1;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}
