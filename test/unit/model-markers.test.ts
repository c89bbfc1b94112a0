import { describe, expect, it } from 'vitest';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { markersForModel } from '../../src/lib/state/model-markers';

const taxonomy = defaultTaxonomy();
const model = { taxonomy, trained: ['lang', 'length_bucket'], values: { lang: { English: 90, French: 10 }, length_bucket: { concise: 50, medium: 50 } } };

describe('markersForModel (Play and Compare)', () => {
  it('keeps a value of a trained category that no training row had, and says the model never learned it', () => {
    expect(markersForModel({ lang: 'Korean', length_bucket: 'concise' }, model)).toEqual({
      kept: { lang: 'Korean', length_bucket: 'concise' },
      notes: ['Kept lang=Korean, though no training row had it: the model never learned it.'],
    });
  });

  it('leaves out what cannot be a marker of this model: an unknown category, a value the taxonomy refuses, a category never trained', () => {
    const { kept, notes } = markersForModel({ persona: 'pirate', lang: 'Klingon', domain: 'Legal', length_bucket: 'medium' }, model);
    expect(kept).toEqual({ length_bucket: 'medium' });
    expect(notes[0]).toBe('Left out persona=pirate: this model has no <persona> marker.');
    expect(notes[1]).toMatch(/^Left out lang=Klingon: "Klingon" is not a value of <lang>/);
    expect(notes[2]).toBe('Left out domain=Legal: this model was not trained with <domain> markers.');
    expect(notes).toHaveLength(3);
  });

  it('without recorded counts every allowed value of a trained category is known, and nothing is said', () => {
    expect(markersForModel({ lang: 'Korean' }, { taxonomy, trained: ['lang'] })).toEqual({ kept: { lang: 'Korean' }, notes: [] });
  });
});
