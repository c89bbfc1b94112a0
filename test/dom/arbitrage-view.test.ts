/**
 * The Arbitrage view over a results file: it routes the stored answers again with the CLI's code, so
 * for the file's own settings it shows the CLI's numbers; editing the table or the weights re-routes;
 * a bad file is refused in words naming the field; students appear side by side against the single
 * best teacher's.
 */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { ROUTER_KINDS } from '../../src/lib/arbitrage/plan';
import { ArbitrageState } from '../../src/lib/state/arbitrage.svelte';
import ArbitrageView from '../../src/ui/arbitrage/ArbitrageView.svelte';
import { resultsOf, STUDENTS } from '../unit/arbitrage/results-fixture';

afterEach(cleanup);

function loaded(students = false): ArbitrageState {
  const state = new ArbitrageState();
  state.loadText(JSON.stringify({ ...resultsOf(), ...(students ? { students: STUDENTS } : {}) }), 'results.json');
  return state;
}

describe('ArbitrageState', () => {
  it('gives, for every router of the file and the file\'s settings, the outcome the CLI wrote', () => {
    const state = loaded();
    const file = resultsOf();
    for (const kind of ROUTER_KINDS) {
      state.setRouter(kind);
      expect(state.outcome, kind).toEqual(JSON.parse(JSON.stringify(file.routers.find((o) => o.kind === kind))));
    }
  });

  it('re-routes when the fixed table or the reward weights change, and says why when it cannot route', () => {
    const state = loaded();
    state.setRouter('fixed');
    expect(state.outcome!.byLanguage.groups.find((g) => g.value === 'French')!.shares.B).toBe(1);
    state.setTableEntry('French', 'A');
    expect(state.outcome!.byLanguage.groups.find((g) => g.value === 'French')!.shares.A).toBe(1);
    state.resetTable();
    state.setRouter('reward');
    for (const part of ['language', 'markers', 'readability', 'judge'] as const) state.setWeight(part, 0);
    expect(state.outcome).toBeNull();
    expect(state.routeError).toMatch(/at least one reward weight/);
    state.resetWeights();
    expect(state.routeError).toBeNull();
  });

  it('keeps what it had when a file is refused, and names the field', () => {
    const state = loaded();
    state.loadText(JSON.stringify({ ...resultsOf(), formatVersion: 9 }), 'old.json');
    expect(state.error).toMatch(/old.json, field "formatVersion"/);
    expect(state.source).toBe('results.json');
  });
});

describe('ArbitrageView', () => {
  it('shows the pool, the compositions and the reward overlaps, and re-draws for another router', async () => {
    const state = loaded();
    render(ArbitrageView, { arbitrage: state });
    expect(screen.getAllByText(/A\.safetensors/).length).toBeGreaterThan(0);
    const chart = screen.getByRole('img', { name: /Share of each teacher per language/ });
    expect(chart.getAttribute('aria-label')).toMatch(/French \(\d+ prompts\): A 0%, B 100%/);
    expect(screen.getByText(/The same choices as the CLI wrote/)).toBeTruthy();
    expect(screen.getByText(/Where the reward and the students' evaluation measure the same thing/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('radio', { name: /single/ }));
    await tick();
    expect(screen.getByRole('img', { name: /Share of each teacher per language/ }).getAttribute('aria-label')).toMatch(/French \(\d+ prompts\): A 100%, B 0%/);
  });

  it('says a changed setting routes differently from the file', async () => {
    const state = loaded();
    render(ArbitrageView, { arbitrage: state });
    await fireEvent.click(screen.getByRole('radio', { name: /fixed/ }));
    await tick();
    const french = screen.getByRole('combobox', { name: 'French' }) as HTMLSelectElement;
    for (const o of french.options) o.selected = o.value === 'A';
    await fireEvent.change(french);
    await tick();
    expect(screen.getByText(/Different choices from the CLI's/)).toBeTruthy();
  });

  it('lays the students side by side with their difference from the single-best-teacher student', () => {
    render(ArbitrageView, { arbitrage: loaded(true) });
    const table = screen.getByText('language adherence (prompts in the language)').closest('.card') as HTMLElement;
    const reward = within(table).getByRole('row', { name: /^reward/ });
    expect(reward.textContent).toContain('75.0%');
    expect(reward.textContent).toContain('+50.0');
    expect(within(table).getByText(/Overlaps the reward \(language\)/)).toBeTruthy();
  });

  it('re-routes as a reward weight is typed, and refuses a negative one in words without using it', async () => {
    const state = loaded();
    render(ArbitrageView, { arbitrage: state });
    const language = screen.getByLabelText('language') as HTMLInputElement;
    language.value = '-1';
    await fireEvent.input(language);
    await tick();
    expect(state.weights.language).toBe(2);
    expect(language.getAttribute('aria-invalid')).toBe('true');
    expect(document.body.textContent).toMatch(/language must be a number from 0 to 100/);
    language.value = '0';
    await fireEvent.input(language);
    await tick();
    expect(state.weights.language).toBe(0);
    expect(language.getAttribute('aria-invalid')).toBeNull();
  });

  it('shows a refused file in words', async () => {
    const state = new ArbitrageState();
    render(ArbitrageView, { arbitrage: state });
    const input = screen.getByLabelText(/Import results.json/) as HTMLInputElement;
    const file = new File(['{"format":"other"}'], 'x.json', { type: 'application/json' });
    Object.defineProperty(input, 'files', { value: [file] });
    await fireEvent.change(input);
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
    await tick();
    expect(screen.getByRole('alert').textContent).toMatch(/x.json, field "format"/);
  });
});
