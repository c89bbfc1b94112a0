/**
 * Where the arbitrage reward and the students' final evaluation measure the same thing. A student
 * trained on answers chosen for being in the right language will score well on language adherence
 * partly by construction; the Arbitrage view says so next to each such number. Pure data.
 */
import { DEFAULT_REWARD_WEIGHTS, type RewardPartName, type RewardWeights } from './reward';

/** The measures the students are compared on (issue 14, item 4, and the control evaluation). */
export const EVAL_MEASURES = {
  language_adherence: 'share of answers in the asked language (closed-set identifier)',
  length_adherence: 'share of answers in the asked length bucket (the data\'s length rule)',
  format_adherence: 'share of answers in the asked format (format detector)',
  readability: 'share of generated words that are words of the data, per language',
  heldout_loss: 'student loss on held-out human-written text (e.g. the UDHR set)',
} as const;

export type EvalMeasure = keyof typeof EVAL_MEASURES;

export interface RewardOverlap {
  part: RewardPartName;
  measure: EvalMeasure;
  /** `same`: one function measures both; `related`: different measures of a similar quality. */
  kind: 'same' | 'related';
  /** The part counts (weighs > 0; for the judge, one was chosen), so the overlap can bias the comparison. */
  active: boolean;
  /** What the UI says about it. */
  note: string;
}

const OVERLAPS: ReadonlyArray<Omit<RewardOverlap, 'active'>> = [
  {
    part: 'language', measure: 'language_adherence', kind: 'same',
    note: 'The reward kept answers in the asked language with the same identifier the evaluation uses; a student\'s language adherence is partly selected for, not learned.',
  },
  {
    part: 'markers', measure: 'length_adherence', kind: 'same',
    note: 'The reward checked the asked length bucket with the same length rule the evaluation uses.',
  },
  {
    part: 'markers', measure: 'format_adherence', kind: 'same',
    note: 'The reward checked the asked format with the same detector the evaluation uses.',
  },
  {
    part: 'readability', measure: 'readability', kind: 'same',
    note: 'The reward counted words of the data\'s vocabulary, as the evaluation\'s readability does; evaluate on held-out prompts so the two at least see different prompts.',
  },
  {
    part: 'judge', measure: 'heldout_loss', kind: 'related',
    note: 'A judge\'s likelihood favours text a model finds probable, which also lowers a student\'s loss; the held-out human text is never scored by the reward.',
  },
];

/**
 * Every overlap between a reward part and an evaluation measure, marked active when the part counts:
 * it weighs > 0 and, for the judge, the user picked one (`judged`).
 *
 * @example
 * rewardOverlaps({ ...DEFAULT_REWARD_WEIGHTS, readability: 0 }, { judged: true }).filter((o) => o.active).map((o) => o.measure);
 * // ['language_adherence', 'length_adherence', 'format_adherence', 'heldout_loss']
 */
export function rewardOverlaps(weights: RewardWeights = DEFAULT_REWARD_WEIGHTS, options: { judged?: boolean } = {}): RewardOverlap[] {
  return OVERLAPS.map((o) => ({ ...o, active: weights[o.part] > 0 && (o.part !== 'judge' || options.judged === true) }));
}

/**
 * The evaluation measures that no active reward part measures: where the comparison of students is
 * clean of the selection.
 *
 * @example
 * independentMeasures();                                   // ['heldout_loss'] (no judge picked)
 * independentMeasures(DEFAULT_REWARD_WEIGHTS, { judged: true }); // []
 */
export function independentMeasures(weights: RewardWeights = DEFAULT_REWARD_WEIGHTS, options: { judged?: boolean } = {}): EvalMeasure[] {
  const touched = new Set(rewardOverlaps(weights, options).filter((o) => o.active).map((o) => o.measure));
  return (Object.keys(EVAL_MEASURES) as EvalMeasure[]).filter((m) => !touched.has(m));
}
