/**
 * The model side of the sampling loop: each teacher of a pool answers the prompts the plan gives it
 * (samplingPlan, src/lib/arbitrage/plan.ts), one model loaded at a time and disposed after, and an
 * optional judge checkpoint scores answers by their likelihood. Everything else about arbitrage is
 * pure and lives in src/lib/arbitrage.
 */
import { evalBatches } from '../data/batch';
import type { Row } from '../data/types';
import { judgeScore } from '../arbitrage/reward';
import { candidateFromSample, type ArbitragePrompt, type Candidate } from '../arbitrage/types';
import type { SampleJob } from '../arbitrage/plan';
import { getCategory, type Markers } from '../markers/taxonomy';
import type { CheckpointRecord } from '../model/checkpoint';
import { trainedCategories } from '../model/checkpoint-record';
import type { GPT } from '../model/gpt';
import { maxBlockTokens, sampleSteered } from '../model/steer';
import { evaluate } from '../model/train';
import { modelFromWeights } from '../model/weights';
import { valueTokenIds } from '../tokenizer/tokenizer';
import { deriveSeed } from '../util/rng';
import type { TeacherSampling } from './answer-settings';

export { answerBudget, type TeacherSampling } from './answer-settings';

/** What answering reads of a checkpoint besides its weights: its vocabulary, taxonomy and training record. */
export type AnsweringRecord = Pick<CheckpointRecord, 'taxonomy' | 'tokenizer' | 'training'>;

/** A pool member: a name (what `meta.teacher` says) and its checkpoint. */
export interface PoolMember {
  name: string;
  record: CheckpointRecord;
}

/**
 * The prompt's markers a teacher can be asked for: categories it was trained to write whose value is
 * a token of its vocabulary. A model trained without markers is asked for none.
 *
 * @example
 * steerableMarkers(baseRecord, { lang: 'French' }); // {} (the base model never wrote a block)
 */
export function steerableMarkers(record: AnsweringRecord, markers: Markers): Markers {
  const trained = new Set(trainedCategories(record));
  const out: Markers = {};
  for (const [name, value] of Object.entries(markers)) {
    if (!trained.has(name)) continue;
    const category = getCategory(record.taxonomy, name);
    if (category?.kind === 'categorical' && !valueTokenIds(record.tokenizer, name).has(value)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * One teacher answers its prompts (one sample each). The model is built from the record and
 * disposed before returning, also on error.
 *
 * @example
 * const answers = await sampleTeacher({ name: 'fr', record }, prompts, { mode: 'fixed', temperature: 0.8, maxTokens: 120, seed: 1 });
 */
export async function sampleTeacher(
  member: PoolMember, prompts: readonly ArbitragePrompt[], settings: TeacherSampling, onAnswer?: (done: number, total: number) => void,
): Promise<Candidate[]> {
  const model = modelFromWeights(member.record.config, member.record.weights);
  try {
    return await answerWith(model, member, prompts, settings, onAnswer);
  } finally {
    model.dispose();
  }
}

/**
 * The same with a model already built (a teacher just fine-tuned, the player worker's model): the
 * caller keeps ownership. `onAnswer` is awaited (a proxied callback from another thread). When
 * `cancelled` turns true the answer being drawn is dropped and the answers so far are returned.
 */
export async function answerWith(
  model: GPT, member: { name: string; record: AnsweringRecord }, prompts: readonly ArbitragePrompt[], settings: TeacherSampling,
  onAnswer?: (done: number, total: number) => void | Promise<void>, cancelled?: () => boolean,
): Promise<Candidate[]> {
  const { record } = member;
  const blockTokens = maxBlockTokens(record.taxonomy, trainedCategories(record));
  const out: Candidate[] = [];
  for (const [i, prompt] of prompts.entries()) {
    if (cancelled?.()) break;
    const markers = steerableMarkers(record, prompt.markers);
    const [sample] = await sampleSteered(model, record.tokenizer, record.taxonomy, { prompt: prompt.prompt, markers, mode: settings.mode }, {
      n: 1, maxTokens: settings.maxTokens, temperature: settings.temperature, seed: deriveSeed(settings.seed, 'arbitrage-answer', prompt.id), maxBlockTokens: blockTokens,
      ...(cancelled ? { cancelled } : {}),
    });
    if (cancelled?.()) break;
    out.push(candidateFromSample(member.name, prompt.id, sample!));
    await onAnswer?.(i + 1, prompts.length);
  }
  return out;
}

/**
 * Every job of a plan, teacher by teacher (pool order), each model loaded once.
 *
 * @example
 * const answers = await sampleJobs(pool, samplingPlan(prompts, router, pool.map((m) => m.name)), settings);
 */
export async function sampleJobs(
  pool: readonly PoolMember[], jobs: readonly SampleJob[], settings: TeacherSampling, onAnswer?: (teacher: string, done: number, total: number) => void,
): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const job of jobs) {
    const member = pool.find((m) => m.name === job.teacher);
    if (member === undefined) throw new Error(`the plan names ${job.teacher}, who is not in the pool (${pool.map((m) => m.name).join(', ')})`);
    out.push(...await sampleTeacher(member, job.prompts, settings, (done, total) => onAnswer?.(job.teacher, done, total)));
  }
  return out;
}

/**
 * A judge checkpoint's likelihood of each answer: the mean log-probability of the answer's text
 * tokens given the prompt (no markers), as judgeScore's per-token probability. Every answer of every
 * prompt gets one (scoreCandidates wants all or none). The judge model is disposed before returning.
 *
 * @example
 * const judged = await judgeAnswers(judgeRecord, prompts, answers); // answers with `judge` in [0, 1]
 */
export async function judgeAnswers(judge: CheckpointRecord, prompts: readonly ArbitragePrompt[], answers: readonly Candidate[]): Promise<Candidate[]> {
  const byId = new Map(prompts.map((p) => [p.id, p]));
  const model = modelFromWeights(judge.config, judge.weights);
  try {
    const out: Candidate[] = [];
    for (const c of answers) {
      const prompt = byId.get(c.promptId);
      if (prompt === undefined) throw new Error(`an answer of ${c.teacher} is to prompt ${c.promptId}, which is not among the prompts`);
      if (c.completion.trim() === '') {
        out.push({ ...c, judge: 0 });
        continue;
      }
      const row: Row = { id: c.promptId, prompt: prompt.prompt, completion: c.completion, markers: {} };
      const { batches } = evalBatches([row], {
        taxonomy: judge.taxonomy, tokenizer: judge.tokenizer, batchSize: 1, blockSize: judge.config.blockSize, lossOn: 'text', promptMarkers: 'none',
      });
      const loss = await evaluate(model, batches, 1, judge.config.blockSize);
      out.push({ ...c, judge: Number.isFinite(loss) ? judgeScore(-loss) : 0 });
    }
    return out;
  } finally {
    model.dispose();
  }
}
