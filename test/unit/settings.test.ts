import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import {
  DEFAULT_TRAINING_FORM, DROPOUT, helpLine, minLrOf, parseSetting, SAMPLING, settingMessage, settingProblem,
  shortRunRecipe, SWEEP, TRAINING, trainingFormSchema, trainingProblems,
} from '../../src/lib/settings';
import { DEFAULT_TRAINING } from '../../src/lib/model/session';
import { PAPER_SWEEP } from '../../src/lib/experiment/sweep';
import { PAPER_RECIPE } from '../../src/lib/settings/sweep';
import { DEFAULT_URL_STATE, readUrlState, writeUrlState } from '../../src/lib/state/url';

/** Run the CLI in-process; stdout and stderr as strings. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const code = await main(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
  return { code, stdout, stderr };
}

/** Every setting a link carries, with its field in UrlState. */
const URL_FIELDS = [
  ['steps', TRAINING.steps], ['batchSize', TRAINING.batchSize], ['lr', TRAINING.lr],
  ['datasetDropout', DROPOUT.datasetRate], ['sampleDropout', DROPOUT.sampleRate],
  ['temperature', SAMPLING.temperature], ['topK', SAMPLING.topK], ['topP', SAMPLING.topP], ['seed', SAMPLING.seed],
] as const;

describe('the settings schema', () => {
  it('every default is within its own limits and passes the zod schema', () => {
    expect(trainingFormSchema.parse(DEFAULT_TRAINING_FORM)).toEqual(DEFAULT_TRAINING_FORM);
    for (const group of [TRAINING, DROPOUT, SAMPLING, SWEEP]) {
      for (const s of Object.values(group)) expect(settingProblem(s, s.default)).toBeNull();
    }
  });

  it('the engine, the URL and the sweep start from the schema defaults (one learning rate, one rule for its floor)', () => {
    expect(DEFAULT_TRAINING.lr).toBe(TRAINING.lr.default);
    expect(DEFAULT_TRAINING.minLr).toBe(minLrOf({ lr: TRAINING.lr.default }));
    expect(DEFAULT_URL_STATE.lr).toBe(TRAINING.lr.default);
    expect(SWEEP.lr.default).toBe(TRAINING.lr.default);
    expect(PAPER_SWEEP.lr).toBe(PAPER_RECIPE.lr); // the paper in small's own recipe, named once
    expect(minLrOf({ lr: 0.01, minLrRatio: 1 })).toBe(0.01);
  });

  it('defaults round-trip through the URL codec: every field at its default leaves the link empty', () => {
    expect(writeUrlState({ ...DEFAULT_URL_STATE })).toBe('');
    const explicit = URL_FIELDS.map(([, s]) => `${s.url}=${s.default}`).join('&');
    expect(readUrlState(`?${explicit}`)).toEqual(DEFAULT_URL_STATE);
  });

  it('defaults round-trip through CLI flag parsing: the written default parses back to itself', () => {
    for (const group of [TRAINING, DROPOUT, SAMPLING, SWEEP]) {
      for (const s of Object.values(group)) expect(parseSetting(s, String(s.default))).toEqual({ ok: true, value: s.default });
    }
  });

  it('refuses an out-of-range value with the same message in the link, the form and the CLI', async () => {
    const heard: [string, string][] = [];
    expect(readUrlState('?lr=5&steps=0&t=9', (key, message) => heard.push([key, message]))).toMatchObject({ lr: 0.003, steps: 1000, temperature: 0.8 });
    expect(heard).toEqual([
      ['steps', settingMessage(TRAINING.steps)], ['lr', settingMessage(TRAINING.lr)], ['t', settingMessage(SAMPLING.temperature)],
    ]);
    const form = trainingProblems({ ...DEFAULT_TRAINING_FORM, lr: 5, steps: 0 });
    expect(form).toEqual({ lr: settingMessage(TRAINING.lr), steps: settingMessage(TRAINING.steps) });
    const train = await cli('train', '--data', 'builtin:teaching', '--preset', 'nano', '--out', '/tmp/never.safetensors', '--lr', '5');
    expect(train).toMatchObject({ code: 2, stderr: `markerlab: --lr "5": ${settingMessage(TRAINING.lr)}\n` });
    const sample = await cli('sample', '--ckpt', 'x.safetensors', '--prompt', '', '--temperature', '9');
    expect(sample.stderr).toBe(`markerlab: --temperature "9": ${settingMessage(SAMPLING.temperature)}\n`);
    expect(settingMessage(TRAINING.lr)).toBe('Learning rate must be a number above 0 and at most 1.');
  });

  it('the short-run recipe: warm-up at most a tenth of the run, at least one validation', () => {
    expect(shortRunRecipe(40)).toEqual({ warmupSteps: 4, evalEvery: 40 });
    expect(shortRunRecipe(5000)).toEqual({ warmupSteps: TRAINING.warmupSteps.default, evalEvery: TRAINING.evalEvery.default });
  });

  it('the CLI help lines come from the schema', async () => {
    const help = (await cli('help')).stdout;
    expect(help).toContain(helpLine(TRAINING.lr));
    expect(help).toContain(helpLine(SAMPLING.topP));
    expect(help).toContain(helpLine(SWEEP.prompts));
  });
});
