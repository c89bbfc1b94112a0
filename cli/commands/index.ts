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

export interface CommandContext {
  io: Io;
  positionals: string[];
  flags: Flags;
}

export type Command = (ctx: CommandContext) => Promise<number>;

export const COMMANDS: Record<string, Command> = {
  datasets,
  annotate,
  stats,
  export: exportRows,
  'build-data': buildData,
};
