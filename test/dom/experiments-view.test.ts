/**
 * ExperimentsView with a fake experiment worker: the form's fields by name, errors next to the
 * field, a sweep run through the buttons (progress, table, findings, charts in words, exports),
 * and a stored sweep offered for resuming.
 */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySweepStore } from '../../src/lib/experiment/store';
import ExperimentsView from '../../src/ui/experiments/ExperimentsView.svelte';
import { datasetsOn, FakeExperimentWorker, setup } from './experiments-fakes';

afterEach(cleanup);

function view(options: Parameters<typeof setup>[0] = {}) {
  const s = setup(options);
  render(ExperimentsView, { experiments: s.experiments, datasets: datasetsOn('teaching') });
  return s;
}

async function type(name: string, value: string): Promise<void> {
  await fireEvent.input(screen.getByRole(/rates|Seeds/.test(name) ? 'textbox' : 'spinbutton', { name }), { target: { value } });
}

describe('ExperimentsView', () => {
  it('names every setting and shows a bad field’s error next to it', async () => {
    const { experiments, worker } = view();
    await experiments.start();
    await tick();
    for (const name of ['Steps per run', 'Batch size', 'Learning rate', 'Prompts per length bucket', 'Samples per prompt',
      'Max tokens per sample', 'Rows for marker accuracy']) expect(screen.getByRole('spinbutton', { name })).toBeTruthy();
    for (const name of ['Dataset-level dropout rates (X)', 'Sample-level dropout rates (Y)', 'Seeds']) expect(screen.getByRole('textbox', { name })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Preset' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Compute' })).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: 'No-marker baseline per seed' })).toHaveProperty('checked', true);
    expect(screen.getByText('No sweep yet: define one on the left, or run the paper in small.')).toBeTruthy();

    await type('Dataset-level dropout rates (X)', '0, 2');
    await fireEvent.click(screen.getByRole('button', { name: 'Run sweep' }));
    await tick();
    const x = screen.getByRole('textbox', { name: 'Dataset-level dropout rates (X)' });
    expect(x.getAttribute('aria-invalid')).toBe('true');
    const errorId = x.getAttribute('aria-describedby')!.split(' ').find((id) => id.endsWith('-err'))!;
    expect(document.getElementById(errorId)!.textContent).toBe('every rate must be in [0, 1], got 2');
    expect(screen.getByRole('textbox', { name: 'Seeds' }).getAttribute('aria-invalid')).toBeNull();
    expect(worker.ran).toEqual([]);
  });

  it('runs a sweep: progress while it runs, then the table, the findings and the charts in words', async () => {
    const worker = new FakeExperimentWorker();
    worker.hold = true;
    const { experiments, saved } = view({ worker });
    await experiments.start();
    await type('Steps per run', '8');
    await type('Dataset-level dropout rates (X)', '0.5');
    await type('Seeds', '1, 2');
    await fireEvent.click(screen.getByRole('button', { name: 'Run sweep' }));
    await expect.poll(() => worker.held).toBe(true);
    await tick();
    const status = screen.getByRole('status', { name: 'Sweep progress' });
    expect(status.textContent).toContain('Run 1 of 4: baseline (no markers), seed 1');
    expect(status.textContent).toContain('training baseline (no markers), seed 1 · on cpu');
    expect(status.textContent).toMatch(/step 3\/8 · loss 3\.250 · 1234 tokens\/s/);
    expect(within(status).getByRole('progressbar', { name: 'Training progress of the current run' }).getAttribute('value')).toBe('3');
    expect(screen.getByRole('button', { name: 'Run sweep' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('group', { name: 'Model and training' })).toHaveProperty('disabled', true); // settings locked while it runs
    const runs = within(screen.getByRole('list', { name: 'Runs' }));
    expect(runs.getAllByRole('listitem').map((li) => li.textContent?.trim())).toEqual([
      'baseline (no markers), seed 1 — running', 'dropout X=0.5 Y=0.5, seed 1 — waiting',
      'baseline (no markers), seed 2 — waiting', 'dropout X=0.5 Y=0.5, seed 2 — waiting',
    ]);
    worker.hold = false;
    worker.release();
    await expect.poll(() => experiments.running).toBe(false);
    await tick();

    expect(screen.getByText('nano × 8 steps on teaching: 4 of 4 runs done.')).toBeTruthy();
    const table = screen.getByRole('table');
    const body = within(table).getAllByRole('row').slice(2);
    expect(body.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['baseline', 'markers', 'baseline', 'markers']);
    const cells = (i: number) => within(body[i]!).getAllByRole('cell').map((c) => c.textContent);
    // X, Y, seed, val loss, mean, domain, task, format, lang, length, violations baseline / inferred / fixed
    expect(cells(1)).toEqual(['0.5', '0.5', '1', '2.500', '80.0%', '80.0%', '80.0%', '80.0%', '80.0%', '80.0%', '–', '30.0%', '5.0%']);
    expect(cells(2)).toEqual(['–', '–', '2', '2.000', '–', '–', '–', '–', '–', '–', '40.0%', '–', '–']);
    expect(cells(3).slice(4, 5)).toEqual(['75.0%']);
    expect(saved).toHaveLength(4);

    const findings = within(screen.getByRole('list', { name: 'Findings' })).getAllByRole('listitem');
    expect(findings).toHaveLength(4);
    // No X=0 run: finding 1 is not measured; the rest hold on these numbers.
    expect(findings.map((f) => f.querySelector('.verdict')!.textContent)).toEqual(['not measured', 'holds', 'holds', 'holds']);
    expect(findings[1]!.textContent).toContain('length_bucket violation rate: baseline 40.0%, inferred 30.0%, fixed 5.0%');

    const acc = screen.getByRole('figure', { name: 'Inferred-marker accuracy against X' });
    expect(acc.textContent).toContain('inferred-marker accuracy: X=0.5 77.5% (2 seeds, 75.0%–80.0%)');
    const viol = screen.getByRole('figure', { name: 'Length violation rate against X' });
    expect(viol.textContent).toContain('inferred mode: X=0.5 30.0% (2 seeds, 30.0%–30.0%)');
    expect(viol.textContent).toContain('baseline (no markers): X=0.5 40.0% (2 seeds, 40.0%–40.0%)');
    expect(within(viol).getByRole('button', { name: 'Save the chart “Length violation rate against X” as PNG' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Export JSON' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeTruthy();
  });

  it('a stored unfinished sweep shows its results and a Resume button that finishes it', async () => {
    const store = new MemorySweepStore();
    const first = setup({ store });
    first.worker.failOn = 'x0.5-y0.5-s1';
    first.experiments.datasetRates = '0, 0.5';
    await first.experiments.run('teaching');

    const second = view({ store });
    await second.experiments.start();
    await tick();
    expect(screen.getByText('nano × 200 steps on teaching: 2 of 3 runs done.')).toBeTruthy();
    expect(within(screen.getByRole('table')).getAllByRole('rowheader').map((h) => h.textContent)).toEqual(['baseline', 'markers']);
    await fireEvent.click(screen.getByRole('button', { name: 'Resume sweep (1 left)' }));
    await expect.poll(() => second.worker.ran).toEqual(['x0.5-y0.5-s1']);
    await expect.poll(() => screen.queryByText('nano × 200 steps on teaching: 3 of 3 runs done.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Resume sweep/ })).toBeNull();
  });

  it('asks before a new sweep replaces stored results', async () => {
    const { experiments, worker } = view();
    await experiments.start();
    await type('Dataset-level dropout rates (X)', '0.5');
    await fireEvent.click(screen.getByRole('button', { name: 'Run sweep' }));
    await expect.poll(() => experiments.running).toBe(false);
    await fireEvent.click(screen.getByRole('button', { name: 'Run the paper in small' }));
    await tick();
    expect(screen.getByRole('alertdialog').textContent).toMatch(/replaces the current results \(2 runs\)/);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Replace and run' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await tick();
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(worker.ran).toHaveLength(2);
  });
  it('Stop in the progress box ends the run; the rest waits for Resume', async () => {
    const worker = new FakeExperimentWorker();
    worker.hold = true;
    const { experiments } = view({ worker });
    await experiments.start();
    await fireEvent.click(screen.getByRole('button', { name: 'Run sweep' }));
    await expect.poll(() => worker.held).toBe(true);
    await tick();
    await fireEvent.click(within(screen.getByRole('status', { name: 'Sweep progress' })).getByRole('button', { name: 'Stop' }));
    await expect.poll(() => experiments.running).toBe(false);
    await tick();
    expect(worker.stops).toBe(1);
    expect(screen.getByText('Stopped: training: stopped at step 3. Resume sweep runs that cell again from the start.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Resume sweep (3 left)' })).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull(); // nothing finished, nothing invented
  });
});
