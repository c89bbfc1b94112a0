import { describe, expect, it } from 'vitest';
import { readability, vocabularyOf, wordsOf } from '../../src/lib/eval/readability';
import { heldOutPrompts, promptLanguageOf } from '../../src/lib/experiment/control';
import type { Row } from '../../src/lib/data/types';

describe('readability', () => {
  it('splits words on letters, keeps inner apostrophes, lower-cases', () => {
    expect(wordsOf("L'eau du Rhône, 42 fois ! Twenty-one… «Ça»")).toEqual(["l'eau", 'du', 'rhône', 'fois', 'twenty', 'one', 'ça']);
    expect(wordsOf('{"topic": "moon"} - item')).toEqual(['topic', 'moon', 'item']);
    expect(wordsOf('l’eau')).toEqual(["l'eau"]);
  });

  it('counts the share of words of the vocabulary and names the invented ones', () => {
    const vocab = vocabularyOf(['The cat sat.', 'A dog.']);
    const r = readability(['the cat sat on a dgo', 'dgo dgo'], vocab);
    expect(r).toMatchObject({ words: 8, known: 4, share: 0.5 });
    expect(r.unknown[0]).toEqual({ word: 'dgo', count: 3 });
    expect(readability([''], vocab).share).toBeNull();
  });
});

describe('held-out prompts', () => {
  const row = (id: number, prompt: string, lang: string, meta?: Record<string, string>): Row => ({ id: `t:${id}`, prompt, completion: 'x', markers: { lang }, ...(meta ? { meta } : {}) });

  it('groups distinct prompts by the language they are written in', () => {
    const val = [
      row(0, 'Tell me about rain.', 'English'), row(1, 'Tell me about rain.', 'English'), row(2, 'Parle-moi de la pluie.', 'French'),
      row(3, 'Tell me about snow.', 'French', { prompt_lang: 'English' }), row(4, 'Tell me about wind.', 'English'),
    ];
    expect(heldOutPrompts(val, 2)).toEqual({ English: ['Tell me about rain.', 'Tell me about snow.'], French: ['Parle-moi de la pluie.'] });
  });

  it('keeps only the rows a filter accepts (format control uses prompts of answers without a format)', () => {
    const val = [
      { ...row(0, 'Give me a list about rain.', 'English'), markers: { lang: 'English', format: 'Enumeration' } },
      row(1, 'Tell me about rain.', 'English'),
    ];
    expect(heldOutPrompts(val, 2, (r) => !r.markers.format)).toEqual({ English: ['Tell me about rain.'] });
  });

  it('never names a language the data does not have', () => {
    // A short prompt the identifier reads as something else falls back on the row's language.
    expect(promptLanguageOf(row(0, 'Hoe gaat het met je vandaag, vriend van mij?', 'English'), new Set(['English', 'French']))).toBe('English');
  });
});
