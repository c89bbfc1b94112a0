import { TRAINING } from '../../src/lib/settings';
import { QUICK_FINETUNE } from '../../src/lib/settings/training';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { tick } from 'svelte';
import TrainView from '../../src/ui/train/TrainView.svelte';
import { ACTIVE_RUN_KEY, type TrainState } from '../../src/lib/state/train.svelte';
import { datasetsWithTeaching, setup } from './train-fakes';

afterEach(cleanup);

/** happy-dom has no `:checked` for options, which Svelte's select binding reads: set the state, check the select follows (the e2e test picks it for real). */
async function fromScratch(train: TrainState): Promise<void> {
  train.startFrom = 'scratch';
  await tick();
  expect((screen.getByRole('combobox', { name: 'Start from' }) as HTMLSelectElement).value).toBe('scratch');
}

async function view(options: Parameters<typeof setup>[0] = {}) {
  const s = setup(options);
  const datasets = datasetsWithTeaching();
  await datasets.start();
  render(TrainView, { train: s.train, datasets });
  await tick();
  return { ...s, datasets };
}

describe('TrainView', () => {
  it('names every setting, shows the shared dropout, and the dataset’s marker categories', async () => {
    const { dropout } = await view();
    expect(screen.getByRole('radio', { name: /nano/ })).toHaveProperty('checked', true);
    expect(screen.getByText(/tests and quick demos/)).toBeTruthy();
    // Every number setting of the schema, under its schema label.
    for (const { label } of Object.values(TRAINING)) expect(screen.getByRole('spinbutton', { name: label })).toBeTruthy();
    expect(Object.values(TRAINING).map((s) => s.label)).toContain('Min learning rate (× peak)');
    expect(screen.getByRole('combobox', { name: 'Loss on' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Block order' })).toBeTruthy();
    const x = screen.getByRole('slider', { name: 'Dataset-level dropout (X)' });
    await fireEvent.input(x, { target: { value: '0.7' } });
    expect(dropout.datasetRate).toBe(0.7);
    expect(screen.getByText('70%')).toBeTruthy();
    const cats = within(screen.getByRole('group', { name: 'Marker categories' }));
    expect(cats.getByRole('checkbox', { name: '<lang>' })).toHaveProperty('checked', true);
    expect(cats.getByRole('checkbox', { name: '<domain>' })).toBeTruthy();
  });

  it('the 5-minute fine-tune sets its recipe: base model, lang and length_bucket, its steps, batch and rate', async () => {
    const { train } = await view();
    await fromScratch(train);
    await fireEvent.click(screen.getByRole('button', { name: 'Use the 5-minute fine-tune' }));
    expect(train.startFrom).toBe('builtin:base');
    expect(train.categories).toEqual(['lang', 'length_bucket']);
    expect(train.form).toMatchObject(QUICK_FINETUNE.form);
    expect(train.form.lr).toBe(0.01);
    const cats = within(screen.getByRole('group', { name: 'Marker categories' }));
    expect(cats.getByRole('checkbox', { name: '<length_bucket>' })).toHaveProperty('checked', true);
    expect(cats.getByRole('checkbox', { name: '<domain>' })).toHaveProperty('checked', false);
    expect((screen.getByRole('spinbutton', { name: 'Learning rate' }) as HTMLInputElement).value).toBe('0.01');
  });

  it('the 5-minute fine-tune waits until the dataset\'s marker categories are known (it picks two of them)', async () => {
    const s = setup();
    const datasets = datasetsWithTeaching();
    render(TrainView, { train: s.train, datasets });
    await tick();
    const button = screen.getByRole('button', { name: 'Use the 5-minute fine-tune' });
    expect(button).toHaveProperty('disabled', true);
    await datasets.start();
    await tick();
    expect(button).toHaveProperty('disabled', false);
  });

  it('trains from scratch: progress, loss summary, samples and the autosave appear', async () => {
    const { train } = await view();
    await fromScratch(train);
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await expect.poll(() => train.phase).toBe('completed');
    const bar = screen.getByRole('progressbar', { name: 'Training progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('10');
    expect(bar.getAttribute('aria-valuemax')).toBe('10');
    // The chart summary redraws at most every 250 ms: wait for it, not for a fixed time.
    const chart = screen.getByRole('figure', { name: 'Loss chart' });
    await expect.poll(() => chart.textContent, { interval: 20 }).toContain('Training loss 4.900 at step 1, 4.000 at step 10');
    expect(chart.textContent).toMatch(/Validation at step 10: 4\.200 with prompt markers, 4\.400 without/);
    expect(screen.getByText('answer at 10')).toBeTruthy();
    expect(screen.getAllByText('lang: English')).toHaveLength(2); // one sample per validation carries a block
    const list = within(screen.getByRole('list', { name: 'Saved checkpoints' }));
    expect(list.getByText('Autosave: teaching · nano, step 10')).toBeTruthy();
    expect(list.getByText(/step 10 · val loss 4\.200/)).toBeTruthy();
  });

  it('marks a bad setting next to its field and will not start', async () => {
    const { train } = await view();
    await fromScratch(train);
    await fireEvent.input(screen.getByRole('spinbutton', { name: 'Warm-up steps' }), { target: { value: '99' } });
    expect(screen.getByText('Warm-up cannot be longer than the run.')).toBeTruthy();
    expect(screen.getByRole('spinbutton', { name: 'Warm-up steps' }).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('button', { name: 'Start' })).toHaveProperty('disabled', true);
  });

  it('offers to resume an interrupted run; Discard forgets it', async () => {
    const s = setup();
    s.storage.setItem(ACTIVE_RUN_KEY, JSON.stringify({
      version: 1, dataset: 'teaching', settings: { ...s.train.settings, startFrom: 'scratch' },
      dropout: s.dropout.config, endStep: 60, lastStep: 42, savedStep: 40,
    }));
    await s.train.start();
    const datasets = datasetsWithTeaching();
    await datasets.start();
    render(TrainView, { train: s.train, datasets });
    const offer = within(screen.getByRole('region', { name: 'Interrupted run' }));
    expect(offer.getByText(/A run was interrupted at step 42/)).toBeTruthy();
    expect(offer.getByRole('button', { name: 'Resume from step 40' })).toBeTruthy();
    await fireEvent.click(offer.getByRole('button', { name: 'Discard' }));
    expect(screen.queryByRole('region', { name: 'Interrupted run' })).toBeNull();
    expect(s.storage.getItem(ACTIVE_RUN_KEY)).toBeNull();
  });

  it('explains a NaN in words and offers to resume with a lower learning rate', async () => {
    const { train, trainers, control } = await view();
    train.startFrom = 'scratch';
    control.gate = async () => {
      if (trainers[0] && train.progress?.step === 6) trainers[0].failAt ??= { step: 7, outcome: 'non-finite', fault: { kind: 'non-finite', message: 'loss is NaN at step 7', step: 7 } };
    };
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await expect.poll(() => train.phase).toBe('fault');
    await tick();
    const alert = screen.getAllByRole('alert').find((a) => a.textContent?.includes('NaN'))!;
    expect(alert.textContent).toMatch(/The loss became NaN or infinite at step 7/);
    expect(alert.textContent).toMatch(/learning rate is too high/);
    expect(within(alert).getByRole('button', { name: 'Resume from step 6 with learning rate 0.0033' })).toBeTruthy();
  });

  it('refuses a bad checkpoint file with the reason and keeps the saved ones', async () => {
    const { train } = await view();
    train.startFrom = 'scratch';
    await train.begin('teaching');
    await tick();
    const input = screen.getByLabelText('Import checkpoint (.safetensors)') as HTMLInputElement;
    const file = new File([new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])], 'broken.safetensors');
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    await fireEvent.change(input);
    await expect.poll(() => screen.queryByText(/Could not import broken\.safetensors/)).toBeTruthy();
    const list = within(screen.getByRole('list', { name: 'Saved checkpoints' }));
    expect(list.getAllByRole('listitem')).toHaveLength(1);
    // Delete asks first.
    await fireEvent.click(list.getByRole('button', { name: /^Delete Autosave/ }));
    await fireEvent.click(screen.getByRole('button', { name: /^Yes, delete Autosave/ }));
    await expect.poll(() => screen.queryByRole('list', { name: 'Saved checkpoints' })).toBeNull();
  });

  it('says under Compute that Automatic picks the fastest measured backend, not "WebGPU first"', async () => {
    await view();
    const select = screen.getByRole('combobox', { name: 'Compute' });
    const hint = document.getElementById(select.getAttribute('aria-describedby')!)!.textContent!;
    expect(hint).toMatch(/^Automatic runs on the backend measured fastest for training this preset on this device/);
    expect(hint).toContain('remembered on this device for each preset');
    expect(hint).not.toMatch(/WebGPU first/);
  });

  it('during a run the loss chart never says "No run yet", and the status says when a validation pass holds the numbers', async () => {
    const { train, control } = await view();
    await fromScratch(train);
    const chart = screen.getByRole('figure', { name: 'Loss chart' });
    const status = screen.getByRole('status', { name: 'Run status' });
    expect(chart.textContent).toContain('No run yet: press Start');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let validated!: () => void;
    const validation = new Promise<void>((r) => (validated = r));
    control.gate = async () => {
      if (train.progress === null) await held;
    };
    control.validation = () => validation;
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    // Training, before the first loss point: on its way, not "no run".
    await expect.poll(() => train.phase).toBe('training');
    await tick();
    expect(chart.textContent).not.toContain('No run yet');
    expect(chart.textContent).toContain('Training: the first losses appear after the first steps.');
    expect(status.textContent).not.toContain('validating');
    // Step 5 validates (evalEvery 5): the panel says so until the pass ends.
    release();
    await expect.poll(() => train.validating).toBe(true);
    await tick();
    expect(status.textContent).toContain('Training');
    expect(status.textContent).toContain('· validating on held-out rows…');
    expect(chart.textContent).not.toContain('No run yet');
    validated();
    await expect.poll(() => train.validating).toBe(false);
    await tick();
    expect(status.textContent).not.toContain('validating');
    await expect.poll(() => train.phase).toBe('completed');
    await expect.poll(() => chart.textContent).toContain('Training loss 4.900 at step 1, 4.000 at step 10.');
  });
});
