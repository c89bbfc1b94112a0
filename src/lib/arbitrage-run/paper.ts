/**
 * The built-in comparison (`markerlab arbitrage --paper`): a teaching pool fine-tuned from the base
 * model on different slices of the teaching set, every teacher answering the calibration and routing
 * prompts, each router's set built from those same answers, one student per router fine-tuned from
 * the base with the same budget and measured per language on held-out prompts, head vs tail, against
 * the single best teacher's student. The spec and the split are pure (src/lib/arbitrage/paper.ts).
 */
import { paperRouters, resultsFromAnswers, routedRows } from '../arbitrage/from-answers';
import { headTail, paperSplit, tailLanguages, type ArbitragePaperSpec } from '../arbitrage/paper';
import { rewardContext } from '../arbitrage/reward';
import type { ArbitrageResults, StudentOutcome } from '../arbitrage/results';
import { answerPrompts, teacherFineTunes } from '../arbitrage/teaching-pool';
import type { Candidate, RouterKind } from '../arbitrage/types';
import type { Row } from '../data/types';
import type { Taxonomy } from '../markers/taxonomy';
import type { CheckpointRecord } from '../model/checkpoint';
import { trainedCategories } from '../model/checkpoint-record';
import type { JobResult, JobRunner } from './jobs';
import { paperSampling } from './answer-settings';

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

export { paperRouters };

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
  const { calibrationPrompts, prompts } = answerPrompts(split, split.calibration.length, split.route.length);
  const teachers = teacherFineTunes(spec, split);
  const sampling = paperSampling(spec, base, input.rows, taxonomy);
  say(`teachers: ${teachers.map((t) => `${t.name} (${t.rows.length} rows, ${t.steps} steps)`).join(', ')}; ` +
    `each answers ${calibrationPrompts.length} calibration + ${prompts.length} routing prompts; tail languages: ${tail.join(', ') || 'none'}`);

  const teacherResults = await runJobs(teachers.map(({ about: _, ...t }) => ({
    kind: 'teacher' as const,
    fineTune: { ...t, taxonomy, base },
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

  const routers = paperRouters(spec.seed);
  const { results, calibration, routed } = resultsFromAnswers({
    pool: teachers.map((t) => ({ name: t.name, about: t.about })), context, calibrationPrompts, prompts, answers, tail, routers,
    sampling: { mode: sampling.mode, temperature: sampling.temperature, maxTokens: sampling.maxTokens, seed: sampling.seed },
  });
  const sets = new Map<RouterKind, Row[]>();
  for (const outcome of results.routers) {
    const rows = routedRows(routed.get(outcome.kind)!, outcome.kind, results);
    sets.set(outcome.kind, rows);
    events.onSet?.(outcome.kind, rows);
    say(`${outcome.kind}: ${outcome.description}; mean reward ${outcome.summary.mean.toFixed(3)}`);
  }
  lap('routing');

  const human = input.human.filter((r) => r.markers.lang !== undefined && languages.includes(r.markers.lang));
  const studentResults = await runJobs([...sets].map(([kind, rows]) => ({
    kind: 'student' as const,
    fineTune: { name: `student-${kind}`, rows, taxonomy, base, steps: spec.studentSteps, batchSize: spec.batchSize, lr: spec.lr, categories: spec.categories, seed: spec.seed },
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
      router: kind, ...(kind === 'single' && calibration ? { teacher: calibration.best.overall } : {}), steps: spec.studentSteps, trainLoss: r.trainLoss,
      figures: r.figures, head, tail: tailFigures, trainMs: r.trainMs, evalMs: r.evalMs,
    };
  });

  return {
    ...results, students, timings,
    settings: { ...spec, base: { config: base.config, categories: trainedCategories(base) }, heldOutRows: split.heldOut.length, humanRows: human.length },
  };
}
