/**
 * A hand-made pool with known winners: teacher A answers every prompt in English, teacher B every
 * prompt in French. So A should win English prompts and B French ones, on every router that looks.
 */
import type { Row } from '../../../src/lib/data/types';
import type { ArbitragePrompt, Candidate } from '../../../src/lib/arbitrage/types';

export const POOL = ['A', 'B'] as const;
export const LANGS = ['English', 'French'];

export const SUBJECTS: ReadonlyArray<{ en: string; fr: string }> = [
  { en: 'the Moon', fr: 'la Lune' }, { en: 'the Sun', fr: 'le Soleil' }, { en: 'the river', fr: 'la rivière' },
  { en: 'the library', fr: 'la bibliothèque' }, { en: 'the robot', fr: 'le robot' }, { en: 'the museum', fr: 'le musée' },
  { en: 'the forest', fr: 'la forêt' }, { en: 'the ocean', fr: "l'océan" }, { en: 'the city', fr: 'la ville' },
  { en: 'the mountain', fr: 'la montagne' },
];

const EN_TEMPLATES = [
  (s: string) => `What do you know about ${s}?`,
  (s: string) => `Please tell me everything about ${s}.`,
  (s: string) => `Explain what people know about ${s}.`,
  (s: string) => `Give me some interesting facts about ${s}.`,
];
const FR_TEMPLATES = [
  (s: string) => `Que peux-tu me dire sur ${s} ?`,
  (s: string) => `Parle-moi de tout ce qui concerne ${s}.`,
  (s: string) => `Explique ce que les gens savent sur ${s}.`,
  (s: string) => `Donne-moi quelques faits intéressants sur ${s}.`,
];

/** English sentence about a subject. */
export const enAnswer = (s: string): string => `Many people want to know more about ${s}. It has a long and rich history.`;
/** French sentence about a subject. */
export const frAnswer = (s: string): string => `Beaucoup de gens veulent en savoir plus sur ${s}. Elle a une longue et riche histoire.`;

/** Prompts without markers (their language must be identified), English and French, per subject. */
export function handPrompts(subjects = SUBJECTS): Array<ArbitragePrompt & { lang: string }> {
  return subjects.flatMap((s, i) => [
    ...EN_TEMPLATES.map((t, k) => ({ id: `en:${i}:${k}`, prompt: t(s.en), markers: {}, lang: 'English' })),
    ...FR_TEMPLATES.map((t, k) => ({ id: `fr:${i}:${k}`, prompt: t(s.fr), markers: {}, lang: 'French' })),
  ]);
}

/** Every teacher's answer to every prompt: A in English, B in French. */
export function handCandidates(prompts: ReadonlyArray<{ id: string }>, subjects = SUBJECTS): Candidate[] {
  return prompts.flatMap((p) => {
    const s = subjects[Number(p.id.split(':')[1])]!;
    return [
      { teacher: 'A', promptId: p.id, completion: enAnswer(s.en) },
      { teacher: 'B', promptId: p.id, completion: frAnswer(s.fr) },
    ];
  });
}

/** The data the reward's context comes from: a few rows per language. */
export function dataRows(): Row[] {
  return SUBJECTS.flatMap((s, i) => [
    { id: `data:en:${i}`, prompt: `Tell me about ${s.en}.`, completion: enAnswer(s.en), markers: { lang: 'English', domain: 'Sciences' } },
    { id: `data:fr:${i}`, prompt: `Parle-moi de ${s.fr}.`, completion: frAnswer(s.fr), markers: { lang: 'French', domain: 'Culture' } },
  ]);
}
