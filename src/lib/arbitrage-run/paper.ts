/**
 * The built-in comparison (`markerlab arbitrage --paper`): a teaching pool fine-tuned from the base
 * model on different slices of the teaching set, every teacher answering the calibration and routing
 * prompts, each router's set built from those same answers, one student per router fine-tuned from
 * the base with the same budget and measured per language on held-out prompts, head vs tail, against
 * the single best teacher's student. The spec and the split are pure (src/lib/arbitrage/paper.ts).
 */
import { arbitrageRows } from '../arbitrage/dataset';
import { headTail, paperSplit, tailLanguages, type ArbitragePaperSpec } from '../arbitrage/paper';
import { calibrate, routingContext, scoreAll, type RouterSpec } from '../arbitrage/plan';
import { rewardContext } from '../arbitrage/reward';
import { ARBITRAGE_RESULTS_VERSION, routeOutcome, type ArbitrageResults, type RouterOutcome, type RoutingInput, type StudentOutcome } from '../arbitrage/results';
import { promptsFromRows, type Candidate, type RouterKind } from '../arbitrage/types';
import type { Row } from '../data/types';
import type { Taxonomy } from '../markers/taxonomy';
import type { CheckpointRecord } from '../model/checkpoint';
import { trainedCategories } from '../model/checkpoint-record';
import { maxBlockTokens } from '../model/steer';
import type { JobResult, JobRunner } from './jobs';
import { answerBudget, type TeacherSampling } from './sample';

export interface PaperInput {
  base: CheckpointRecord;
  /** The annotated teaching set. */
  rows: Row[];
  /** Human-written held-out text (UDHR rows); only the teaching set's languages are used. */
  human: Row[];
  taxonomy: Taxonomy;
  spec: ArbitragePaperSpec;
}

export interface PaperEvents {
  onStage?: (stage: string) => void;
  /** Each checkpoint as it is made (teachers, then students), e.g. to write it to disk. */
  onCheckpoint?: (name: string, bytes: Uint8Array) => void;
  /** Each router's routed set as training rows, e.g. to write its JSONL. */
  onSet?: (kind: RouterKind, rows: Row[]) => void;
}

/** The routers compared, in the order of the tables (the random one seeded with the run's seed). */
export function paperRouters(seed: number): RouterSpec[] {
  return [{ kind: 'single' }, { kind: 'random', seed }, { kind: 'fixed' }, { kind: 'reward' }, { kind: 'learned' }];
}

/**
 * Run the comparison; `runJobs` runs the fine-tunes (in this thread or in worker threads).
 *
 * @example
 * const results = await runArbitragePaper({ base, rows, human, taxonomy, spec: PAPER_ARBITRAGE }, runJobsHere(), { onStage: console.error });
 */
export async function runArbitragePaper(input: PaperInput, runJobs: JobRunner, events: PaperEvents = {}): Promise<ArbitrageResults> {
  const { spec, base, taxonomy } = input;
  const say = events.onStage ?? (() => {});
  const timings: Record<string, number> = {};
  let mark = Date.now();
  const lap = (name: string): void => {
    timings[name] = Date.now() - mark;
    mark = Date.now();
  };

  const split = paperSplit(input.rows, spec);
  const context = rewardContext(input.rows);
  const languages = context.languages;
  const tail = tailLanguages(input.rows, spec.tailShare);
  const calibrationPrompts = promptsFromRows(split.calibration);
  const prompts = promptsFromRows(split.route);
  const sampling: TeacherSampling = {
    mode: 'fixed', temperature: spec.temperature, seed: spec.seed,
    maxTokens: answerBudget(base.tokenizer, base.config.blockSize, input.rows, maxBlockTokens(taxonomy, taxonomy.categories.filter((c) => c.kind === 'categorical').map((c) => c.name))),
  };
  say(`teachers: ${spec.teachers.map((t) => `${t.name} (${split.teacherRows[t.name]!.length} rows, ${t.steps} steps)`).join(', ')}; ` +
    `each answers ${calibrationPrompts.length} calibration + ${prompts.length} routing prompts; tail languages: ${tail.join(', ') || 'none'}`);

  const teacherResults = await runJobs(spec.teachers.map((t) => ({
    kind: 'teacher' as const,
    fineTune: { name: t.name, rows: split.teacherRows[t.name]!, taxonomy, base, steps: t.steps, batchSize: spec.batchSize, lr: spec.lr, seed: spec.seed },
    prompts: [...calibrationPrompts, ...prompts],
    sampling,
  })));
  lap('teachers');
  const answers: Candidate[] = [];
  for (const r of teacherResults) {
    if (r.kind !== 'teacher') throw new Error(`expected a teacher's result, got a ${r.kind}'s`);
    events.onCheckpoint?.(`teacher-${r.name}`, r.checkpoint);
    answers.push(...r.candidates);
  }

  const pool = spec.teachers.map((t) => t.name);
  const rc = routingContext(context);
  const stored = scoreAll([...calibrationPrompts, ...prompts], answers, context);
  const routing: RoutingInput = { pool, context: rc, calibrationPrompts, prompts, candidates: stored };
  const calibration = calibrate(calibrationPrompts, stored, pool, rc);
  const routers: RouterOutcome[] = [];
  const sets = new Map<RouterKind, Row[]>();
  for (const routerSpec of paperRouters(spec.seed)) {
    const { outcome, routed } = routeOutcome(routing, routerSpec);
    routers.push(outcome);
    const rows = arbitrageRows(routed, outcome.kind, { among: languages, ...(context.lengthRule ? { lengthRule: context.lengthRule } : {}) });
    sets.set(outcome.kind, rows);
    events.onSet?.(outcome.kind, rows);
    say(`${outcome.kind}: ${outcome.description}; mean reward ${outcome.summary.mean.toFixed(3)}`);
  }
  lap('routing');

  const human = input.human.filter((r) => r.markers.lang !== undefined && languages.includes(r.markers.lang));
  const studentResults = await runJobs([...sets].map(([kind, rows]) => ({
    kind: 'student' as const,
    fineTune: { name: `student-${kind}`, rows, taxonomy, base, steps: spec.studentSteps, batchSize: spec.batchSize, lr: spec.lr, seed: spec.seed },
    eval: {
      rows: input.rows, heldOut: split.heldOut, human, promptsPerLang: spec.evalPromptsPerLang, n: spec.evalSamples,
      temperature: spec.temperature, seed: spec.seed, batchSize: spec.batchSize,
    },
  })));
  lap('students');
  const students: StudentOutcome[] = studentResults.map((r: JobResult, i) => {
    if (r.kind !== 'student') throw new Error(`expected a student's result, got a ${r.kind}'s`);
    events.onCheckpoint?.(r.name, r.checkpoint);
    const kind = [...sets.keys()][i]!;
    const { head, tail: tailFigures } = headTail(r.figures, tail);
    return {
      router: kind, ...(kind === 'single' ? { teacher: calibration.best.overall } : {}), steps: spec.studentSteps, trainLoss: r.trainLoss,
      figures: r.figures, head, tail: tailFigures, trainMs: r.trainMs, evalMs: r.evalMs,
    };
  });

  return {
    format: 'markerlab-arbitrage', formatVersion: ARBITRAGE_RESULTS_VERSION, createdAt: new Date().toISOString(),
    pool: spec.teachers.map((t) => ({ name: t.name, about: `fine-tuned from the base model on ${t.about} (${split.teacherRows[t.name]!.length} rows, ${t.steps} steps of ${spec.batchSize})` })),
    languages, weights: rc.weights, tail, sampling: { mode: sampling.mode, temperature: sampling.temperature, maxTokens: sampling.maxTokens, seed: sampling.seed },
    calibrationPrompts, prompts, candidates: stored,
    calibration: { best: calibration.best, means: calibration.means },
    routers, students, timings,
    settings: { ...spec, base: { config: base.config, categories: trainedCategories(base) }, heldOutRows: split.heldOut.length, humanRows: human.length },
  };
}
