import type { Io } from '../output';
import { annotate } from './annotate';
import { arbitrage } from './arbitrage';
import { bench } from './bench';
import { sweep } from './sweep';
import { evaluateCommand } from './eval';
import { buildData } from './build-data';
import { datasets } from './datasets';
import { dist } from './dist';
import { exportRows } from './export';
import { sample } from './sample';
import { stats } from './stats';
import { train } from './train';

export interface Flags {
  json: boolean;
  out?: string | undefined;
  lenient: boolean;
  wrapper: string;
  'length-buckets': string;
  'dataset-dropout'?: string | undefined;
  'sample-dropout'?: string | undefined;
  seed?: string | undefined;
  never?: string | undefined;
  always?: string | undefined;
  tail?: string | undefined;
  data?: string | undefined;
  rows?: string | undefined;
  preset?: string | undefined;
  steps?: string | undefined;
  batch?: string | undefined;
  lr?: string | undefined;
  init?: string | undefined;
  backend?: string | undefined;
  'block-order'?: string | undefined;
  markers?: string | undefined;
  tokenizer?: string | undefined;
  merges?: string | undefined;
  seeds?: string | undefined;
  paper: boolean;
  control: boolean;
  only?: string | undefined;
  'no-baseline': boolean;
  'no-dropout-run': boolean;
  jobs?: string | undefined;
  prompts?: string | undefined;
  baseline?: string | undefined;
  ckpt?: string | undefined;
  prompt?: string | undefined;
  /** Repeated `--marker name=value`. */
  marker: string[];
  mode?: string | undefined;
  'fixed-by'?: string | undefined;
  n?: string | undefined;
  'max-tokens'?: string | undefined;
  temperature?: string | undefined;
  'top-k'?: string | undefined;
  'top-p'?: string | undefined;
  pool?: string | undefined;
  router?: string | undefined;
  teacher?: string | undefined;
  table?: string | undefined;
  judge?: string | undefined;
  calibrate?: string | undefined;
}

export type FlagName = keyof Flags;

export interface CommandContext {
  io: Io;
  positionals: string[];
  flags: Flags;
}

export type Command = (ctx: CommandContext) => Promise<number>;

export interface CommandSpec {
  run: Command;
  /**
   * The options the command reads (--json and --help go with every command). Any other option
   * is refused rather than ignored, so `annotate --seed 3` cannot look as if it did something.
   */
  flags: readonly FlagName[];
}

const SOURCE_FLAGS = ['lenient', 'length-buckets'] as const satisfies readonly FlagName[];
const STEER_FLAGS = ['ckpt', 'prompt', 'marker', 'mode', 'backend'] as const satisfies readonly FlagName[];

export const COMMANDS: Record<string, CommandSpec> = {
  datasets: { run: datasets, flags: ['json'] },
  annotate: { run: annotate, flags: ['json', 'out', ...SOURCE_FLAGS] },
  stats: { run: stats, flags: ['json', 'tail', ...SOURCE_FLAGS] },
  export: {
    run: exportRows,
    flags: ['json', 'out', ...SOURCE_FLAGS, 'wrapper', 'dataset-dropout', 'sample-dropout', 'seed', 'never', 'always'],
  },
  'build-data': { run: buildData, flags: ['json', 'out'] },
  train: {
    run: train,
    flags: [
      'json', 'out', 'data', 'rows', ...SOURCE_FLAGS, 'wrapper', 'preset', 'steps', 'batch', 'lr',
      'dataset-dropout', 'sample-dropout', 'seed', 'init', 'backend', 'block-order', 'markers', 'tokenizer', 'merges',
    ],
  },
  sample: { run: sample, flags: ['json', ...STEER_FLAGS, 'fixed-by', 'n', 'max-tokens', 'temperature', 'top-k', 'top-p', 'seed'] },
  dist: { run: dist, flags: ['json', ...STEER_FLAGS, 'top-k'] },
  bench: { run: bench, flags: ['json', 'backend', 'preset'] },
  eval: {
    run: evaluateCommand,
    flags: ['json', 'data', 'rows', 'ckpt', 'baseline', ...SOURCE_FLAGS, 'wrapper', 'prompts', 'n', 'max-tokens', 'backend', 'control', 'only', 'temperature', 'seed'],
  },
  sweep: {
    run: sweep,
    flags: [
      'json', 'out', 'data', 'rows', ...SOURCE_FLAGS, 'wrapper', 'preset', 'steps', 'batch', 'lr', 'dataset-dropout', 'sample-dropout',
      'seeds', 'paper', 'no-baseline', 'no-dropout-run', 'jobs', 'prompts', 'n', 'max-tokens', 'backend', 'tokenizer', 'merges',
    ],
  },
  arbitrage: {
    run: arbitrage,
    flags: [
      'json', 'out', 'pool', 'prompts', 'rows', ...SOURCE_FLAGS, 'wrapper', 'router', 'teacher', 'table', 'calibrate', 'judge',
      'mode', 'temperature', 'max-tokens', 'seed', 'backend', 'paper', 'jobs', 'steps',
    ],
  },
};
