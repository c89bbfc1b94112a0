import { describe, expect, it } from 'vitest';
import { readability, vocabularyOf, wordsOf } from '../../src/lib/eval/readability';
import { formatControl, heldOutPrompts, promptLanguageOf, type ControlReport } from '../../src/lib/experiment/control';
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

describe('the control report for a terminal', () => {
  it('shows a missed target with its misses: prompt, the start of the text, what it measured', () => {
    const report: ControlReport = {
      maxTokens: 40, promptsByLang: {}, readability: {}, skipped: [], met: 1, total: 2,
      results: [
        { kind: 'lang', value: 'Italian', prompts: 'same language', n: 4, share: 1, target: 0.9, met: true, examples: [], misses: [] },
        { kind: 'lang', value: 'Italian', prompts: 'other languages', n: 4, share: 0.5, target: 0.9, met: false, examples: [], misses: [
          { prompt: 'Que sais-tu sur la pluie ?', text: 'La pluie   compte\npour tout le monde. '.repeat(5), measured: { lengthTokens: 41, lang: 'French', finished: false } },
          { prompt: 'Tell me about the rain.', text: '…', measured: { lengthTokens: 1 } },
        ] },
      ],
    };
    const lines = formatControl(report);
    expect(lines[1]).toBe('  ok  lang=Italian, prompts in same language: 100.0% of 4 (target 90.0%)');
    expect(lines[2]).toBe('  MISS lang=Italian, prompts in other languages: 50.0% of 4 (target 90.0%)');
    expect(lines[3]).toBe('       missed: "Que sais-tu sur la pluie ?" → "La pluie compte pour tout le monde. La pluie compte pour to…" (reads as French, no format, 41 tokens, cut at the token limit)');
    expect(lines[4]).toBe('       missed: "Tell me about the rain." → "…" (language not identified, no format, 1 tokens)');
    expect(lines).toHaveLength(5);
  });
});
