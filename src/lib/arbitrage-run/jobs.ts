/**
 * The two slow jobs of the comparison, as plain data that crosses a thread boundary: a teacher
 * (fine-tune, then answer the prompts) and a student (fine-tune on a routed set, then be measured).
 * `runJob` runs either in the calling thread; the CLI runs several at once in worker threads
 * (cli/workers/arbitrage-job.ts), the numbers do not depend on where.
 */
import type { LanguageFigures } from '../arbitrage/paper';
import type { ArbitragePrompt, Candidate } from '../arbitrage/types';
import { toSafetensors } from '../model/checkpoint';
import type { Progress } from '../model/run';
import { fineTune, measureStudent, type FineTuneJob, type StudentEval } from './fine-tune';
import { sampleTeacher, type TeacherSampling } from './sample';

export type ArbitrageJob =
  | { kind: 'teacher'; fineTune: FineTuneJob; prompts: ArbitragePrompt[]; sampling: TeacherSampling }
  | { kind: 'student'; fineTune: FineTuneJob; eval: StudentEval };

export type JobResult =
  | { kind: 'teacher'; name: string; checkpoint: Uint8Array; candidates: Candidate[]; trainLoss: number | null; trainMs: number; sampleMs: number }
  | { kind: 'student'; name: string; checkpoint: Uint8Array; figures: LanguageFigures[]; trainLoss: number | null; trainMs: number; evalMs: number };

export interface JobEvents {
  onStage?: (stage: string) => void;
  onProgress?: (p: Progress) => void;
}

/**
 * Run one job here. The checkpoint comes back as safetensors bytes (transferable).
 *
 * @example
 * const r = await runJob({ kind: 'teacher', fineTune: job, prompts, sampling }, { onStage: console.error });
 */
export async function runJob(job: ArbitrageJob, events: JobEvents = {}): Promise<JobResult> {
  const name = job.fineTune.name;
  events.onStage?.(`${name}: fine-tuning ${job.fineTune.steps} steps on ${job.fineTune.rows.length} rows`);
  const tuned = await fineTune(job.fineTune, events.onProgress);
  const checkpoint = toSafetensors(tuned.record);
  const started = Date.now();
  if (job.kind === 'teacher') {
    events.onStage?.(`${name}: answering ${job.prompts.length} prompts`);
    const candidates = await sampleTeacher({ name, record: tuned.record }, job.prompts, job.sampling);
    return { kind: 'teacher', name, checkpoint, candidates, trainLoss: tuned.trainLoss, trainMs: tuned.trainMs, sampleMs: Date.now() - started };
  }
  events.onStage?.(`${name}: measuring on held-out prompts`);
  const figures = await measureStudent(tuned.record, job.eval);
  return { kind: 'student', name, checkpoint, figures, trainLoss: tuned.trainLoss, trainMs: tuned.trainMs, evalMs: Date.now() - started };
}

/** Runs jobs and returns their results in the jobs' order (in-process, or in threads). */
export type JobRunner = (jobs: ArbitrageJob[]) => Promise<JobResult[]>;

/** One job after the other, in this thread. */
export function runJobsHere(events: JobEvents = {}): JobRunner {
  return async (jobs) => {
    const out: JobResult[] = [];
    for (const job of jobs) out.push(await runJob(job, events));
    return out;
  };
}
