/** The arbitrage training set: routed rows, their markers, and the JSONL round trip through the existing parsers. */
import { describe, expect, it } from 'vitest';
import {
  ARBITRAGE_SOURCE, arbitrageJsonl, arbitrageLines, arbitrageRows, readArbitrageJsonl, routePrompts, routerExamples,
} from '../../../src/lib/arbitrage/dataset';
import { routerText } from '../../../src/lib/arbitrage/learned';
import { rewardContext } from '../../../src/lib/arbitrage/reward';
import { createRewardRouter, createSingleRouter } from '../../../src/lib/arbitrage/routers';
import { parseJsonl } from '../../../src/lib/data/parse-jsonl';
import type { Row } from '../../../src/lib/data/types';
import { defaultTaxonomy, getCategory } from '../../../src/lib/markers/taxonomy';
import { TemplateError } from '../../../src/lib/markers/template';
import { dataRows, frAnswer, handCandidates, handPrompts, LANGS, POOL } from './pool';

const RULE = { mode: 'fixed', concise: 40, medium: 100 } as const;
const taxonomy = defaultTaxonomy();
// Subjects 0–4 are Sciences, 5–9 Culture; the prompts ask for a domain but no language.
const prompts = handPrompts().map((p) => ({ ...p, markers: { domain: Number(p.id.split(':')[1]) < 5 ? 'Sciences' : 'Culture', task: 'QuestionAnswering' } }));
const candidates = handCandidates(prompts);
const routed = routePrompts(prompts, createRewardRouter(POOL, rewardContext(dataRows())), candidates);
const rows = arbitrageRows(routed, 'reward', { among: LANGS, lengthRule: RULE });

describe('routing a set', () => {
  it('keeps one answer per prompt, the reward\'s choice', () => {
    expect(routed).toHaveLength(prompts.length);
    for (const r of routed) expect(r.candidate.teacher).toBe(r.prompt.id.startsWith('fr') ? 'B' : 'A');
    // The learned router reads the prompt with the markers it asks for.
    expect(routerExamples(routed)[0]).toEqual({ prompt: routerText(prompts[0]!), teacher: 'A' });
    expect(routerText(prompts[0]!)).toBe(`${prompts[0]!.prompt}\n${Object.entries(prompts[0]!.markers).sort().map(([k, v]) => `${k}=${v}`).join(' ')}`);
  });

  it('asks for the chosen teacher\'s answer when a prompt-only router chose one that has not answered', () => {
    expect(routePrompts([prompts[0]!], createSingleRouter('B'), candidates)[0]!.candidate.completion).toBe(frAnswer('la Lune'));
    expect(() => routePrompts([prompts[0]!], createSingleRouter('C'), candidates)).toThrow(/no answer from C to prompt en:0:0/);
  });
});

describe('arbitrage rows', () => {
  it('carry the prompt, the kept answer, topic markers, measured markers and source Synthetic', () => {
    const fr = rows.find((r) => r.id === 'fr:5:0')!;
    expect(fr).toEqual({
      id: 'fr:5:0',
      prompt: 'Que peux-tu me dire sur le musée ?',
      completion: frAnswer('le musée'),
      markers: { domain: 'Culture', task: 'QuestionAnswering', lang: 'French', length_bucket: 'medium', source: 'Synthetic' },
      meta: { teacher: 'B', router: 'reward', target_lang: 'French' },
    });
  });

  it('label what the teacher wrote, not what was asked', () => {
    const [wrong] = arbitrageRows(routePrompts([prompts[0]!], createSingleRouter('B'), candidates), 'single', { among: LANGS });
    expect(wrong!.markers.lang).toBe('French');
    expect(wrong!.markers.length_bucket).toBeUndefined(); // no length rule given
    expect(wrong!.meta).toEqual({ teacher: 'B', router: 'single', target_lang: 'English' });
  });

  it('use a source value the taxonomy allows, because teacher names are not values', () => {
    const source = getCategory(taxonomy, 'source')!;
    expect(source.kind === 'categorical' && source.values).toContain(ARBITRAGE_SOURCE);
    const named: Row = { ...rows[0]!, markers: { ...rows[0]!.markers, source: 'A' } };
    expect(() => [...arbitrageLines([named], taxonomy)]).toThrow(TemplateError);
  });
});

describe('JSONL', () => {
  const comparable = (r: Row) => ({ id: r.id, prompt: r.prompt, completion: r.completion, markers: r.markers, teacher: r.meta?.teacher });

  it('is the paper format plus id and teacher, one line per row', () => {
    const records = parseJsonl(arbitrageJsonl(rows, taxonomy));
    expect(records).toHaveLength(rows.length);
    const first = records[0]!;
    expect('value' in first && Object.keys(first.value as object)).toEqual(['input', 'target', 'id', 'teacher']);
    for (const rec of records) {
      if (!('value' in rec)) throw new Error('a line did not parse');
      const v = rec.value as { target: string; teacher: string };
      expect(v.target).toMatch(/^<MARKER_LIST>.*<source>Synthetic<\/source>.*<\/MARKER_LIST>/s);
      expect(['A', 'B']).toContain(v.teacher);
    }
  });

  it('reads back the rows, their markers (source included) and their teachers', () => {
    const back = readArbitrageJsonl(arbitrageJsonl(rows, taxonomy), taxonomy);
    expect(back.map(comparable)).toEqual(rows.map(comparable));
    expect(back.every((r) => r.markers.source === 'Synthetic')).toBe(true);
  });

  it('gives back every marker under dropout too (the target always holds the full block)', () => {
    const dropout = { datasetRate: 0.5, sampleRate: 0.5, overrides: {}, seed: 1 };
    const back = readArbitrageJsonl(arbitrageJsonl(rows, taxonomy, dropout), taxonomy);
    expect(back.map(comparable)).toEqual(rows.map(comparable));
  });

  it('keeps markup written in prompts and answers as text', () => {
    const tricky: Row = {
      id: 'x:1', prompt: 'Write <lang>French</lang> please', completion: 'Here: </MARKER_LIST> and <source>Human</source>.',
      markers: { source: 'Synthetic' }, meta: { teacher: 'C' },
    };
    expect(readArbitrageJsonl(arbitrageJsonl([tricky], taxonomy), taxonomy).map(comparable)).toEqual([comparable(tricky)]);
  });

  it('names the line of a broken record', () => {
    const text = arbitrageJsonl(rows.slice(0, 1), taxonomy);
    expect(() => readArbitrageJsonl(`${text}{"input": 1}\n`, taxonomy)).toThrow(/^line 2: expected an object/);
    expect(() => readArbitrageJsonl(`${text}\n{oops\n`, taxonomy)).toThrow(/^line 3: invalid JSON/);
  });
});
