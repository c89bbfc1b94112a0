import type { Io } from '../output';
import { annotate } from './annotate';
import { buildData } from './build-data';
import { datasets } from './datasets';
import { exportRows } from './export';
import { stats } from './stats';

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

export const COMMANDS: Record<string, CommandSpec> = {
  datasets: { run: datasets, flags: ['json'] },
  annotate: { run: annotate, flags: ['json', 'out', ...SOURCE_FLAGS] },
  stats: { run: stats, flags: ['json', 'tail', ...SOURCE_FLAGS] },
  export: {
    run: exportRows,
    flags: ['json', 'out', ...SOURCE_FLAGS, 'wrapper', 'dataset-dropout', 'sample-dropout', 'seed', 'never', 'always'],
  },
  'build-data': { run: buildData, flags: ['json', 'out'] },
};
