import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { tick } from 'svelte';
import CompareView from '../../src/ui/compare/CompareView.svelte';
import { setup } from './compare-fakes';

afterEach(cleanup);

async function choose(select: HTMLElement, value: string): Promise<void> {
  for (const o of (select as HTMLSelectElement).options) o.selected = o.value === value;
  await fireEvent.change(select);
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  await tick();
}

async function view(options: Parameters<typeof setup>[0] = {}) {
  const s = setup(options);
  render(CompareView, { compare: s.compare });
  await settle();
  return s;
}

const column = (letter: string) => within(screen.getByRole('region', { name: `Column ${letter}` }));

describe('CompareView', () => {
  it('offers per-column checkpoints, markers and mode, and shared settings, all named', async () => {
    await view();
    expect(screen.getByRole('textbox', { name: /Prompt/ })).toBeTruthy();
    for (const name of ['Samples per column', 'Max tokens', 'Temperature', 'Seed']) expect(screen.getByRole('spinbutton', { name })).toBeTruthy();
    expect((screen.getByRole('spinbutton', { name: 'Samples per column' }) as HTMLInputElement).value).toBe('16');
    const a = column('A');
    const ckpt = a.getByRole('combobox', { name: 'Checkpoint' }) as HTMLSelectElement;
    expect([...ckpt.options].map((o) => o.textContent)).toEqual(['Demo', 'Base', 'Gone']);
    expect(ckpt.value).toBe('builtin:demo');
    for (const name of ['length_bucket', 'lang', 'format', 'domain']) expect(a.getByRole('combobox', { name })).toBeTruthy();
    expect((column('B').getByRole('combobox', { name: 'length_bucket' }) as HTMLSelectElement).value).toBe('long');
    expect(a.getByRole('radio', { name: 'fixed' })).toHaveProperty('checked', true);
    expect(screen.getByText(/from 36\.6% without markers to 24\.7% with inferred markers and 1\.3% with a fixed/)).toBeTruthy();
  });

  it('adds and removes columns within two to four', async () => {
    await view();
    const add = screen.getByRole('button', { name: /Add column/ });
    expect(screen.queryByRole('button', { name: /Remove column/ })).toBeNull();
    await fireEvent.click(add);
    await fireEvent.click(add);
    await settle();
    expect(screen.getByRole('region', { name: 'Column D' })).toBeTruthy();
    expect(screen.getByRole('button', { name: /Add column/ })).toHaveProperty('disabled', true);
    await fireEvent.click(screen.getByRole('button', { name: 'Remove column C' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Remove column C' }));
    expect(screen.queryByRole('region', { name: 'Column C' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Remove column/ })).toBeNull();
  });

  it('runs the comparison and shows samples, chips, violation rates and overlaid histograms', async () => {
    const { player } = await view();
    await choose(column('A').getByRole('combobox', { name: 'length_bucket' }), 'concise');
    await fireEvent.input(screen.getByRole('spinbutton', { name: 'Samples per column' }), { target: { value: '6' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Run comparison' }));
    await settle();
    expect(player.requests.map((r) => r.n)).toEqual([6, 6]);

    const rateA = within(screen.getByRole('table', { name: 'Violation rate, column A' }));
    const rowA = rateA.getByRole('row', { name: /length_bucket/ });
    expect(rowA.textContent).toMatch(/concise\s*80%\s*\(4 of n=5\)\s*1 cut short, length unsettled: not judged/);
    expect(rateA.getByRole('row', { name: /lang/ }).textContent).toMatch(/lang\s*—\s*—/);
    const rowB = within(screen.getByRole('table', { name: 'Violation rate, column B' })).getByRole('row', { name: /length_bucket/ });
    expect(rowB.textContent).toMatch(/long\s*100%\s*\(3 of n=3\)/);

    const gens = within(screen.getByRole('region', { name: 'Column A: generations' }));
    expect(gens.getAllByRole('listitem')).toHaveLength(6);
    expect(gens.getByText(/^answer 1 \.+$/)).toBeTruthy();
    expect(gens.getAllByText('length_bucket=concise')).toHaveLength(6);
    expect(gens.getAllByText(/✗ violates length_bucket/)).toHaveLength(4);
    expect(gens.getAllByText('length_bucket not judged (cut short)')).toHaveLength(1);
    expect(gens.getAllByText('Malformed marker block: the marker block is never closed')).toHaveLength(1);

    const lang = screen.getByRole('img', { name: /^Language\./ });
    expect(lang.getAttribute('aria-label')).toBe('Language. A, 6 samples: English 4, not identified 2. B, 6 samples: English 4, not identified 2.');
    const length = screen.getByRole('img', { name: /^Length in characters\./ });
    expect(length.getAttribute('aria-label')).toMatch(/^Length in characters\. A, 6 samples: /);
    expect(screen.getByRole('img', { name: /^Format\./ }).getAttribute('aria-label')).toMatch(/JSON 1, plain prose 5/);
    const legend = within(screen.getByRole('list', { name: 'Legend' }));
    expect(legend.getByText(/length_bucket=concise \(fixed\)/)).toBeTruthy();
  });

  it('shows a checkpoint that cannot be read next to its picker and explains a no-marker checkpoint', async () => {
    await view();
    await choose(column('A').getByRole('combobox', { name: 'Checkpoint' }), 'builtin:gone');
    await settle();
    expect(column('A').getByRole('alert').textContent).toMatch(/Could not read "Gone": could not download models\/gone\.safetensors: HTTP 404/);
    await choose(column('B').getByRole('combobox', { name: 'Checkpoint' }), 'builtin:base');
    await settle();
    expect(column('B').getByText(/trained without markers/)).toBeTruthy();
    expect(column('B').queryByRole('combobox', { name: 'length_bucket' })).toBeNull();
  });

  it('refuses bad shared settings with the reason next to them', async () => {
    await view();
    await fireEvent.input(screen.getByRole('spinbutton', { name: 'Samples per column' }), { target: { value: '500' } });
    expect(screen.getByRole('alert').textContent).toMatch(/Samples per column must be a whole number from 1 to 64/);
    expect(screen.getByRole('button', { name: 'Run comparison' })).toHaveProperty('disabled', true);
  });

  it('warns when max tokens cannot reach the requested length bucket', async () => {
    await view();
    await fireEvent.input(screen.getByRole('spinbutton', { name: 'Max tokens' }), { target: { value: '40' } });
    expect(column('B').getByText(/long answers need more than 60 tokens; max tokens is 40/)).toBeTruthy();
  });

  it('offers only the values a checkpoint’s training rows had, with their share and the long tail marked rare', async () => {
    await view({ values: { lang: { English: 95, French: 5 }, length_bucket: { concise: 40, medium: 30, long: 30 }, domain: { Legal: 100 } } });
    const a = column('A');
    const options = (name: string) => [...(a.getByRole('combobox', { name }) as HTMLSelectElement).options].map((o) => o.textContent);
    expect(options('lang')).toEqual(['model infers', 'English · 95%', 'French · 5.0% · rare']);
    expect(options('length_bucket')).toEqual(['model infers', 'concise · 40%', 'medium · 30%', 'long · 30%']);
    const lang = a.getByRole('combobox', { name: 'lang' });
    expect(document.getElementById(lang.getAttribute('aria-describedby')!)!.textContent).toBe('21 values never in the training data');
    // A category no training row had a value of is not offered (format is judged, so it would otherwise show).
    expect(a.queryByRole('combobox', { name: 'format' })).toBeNull();
  });

  it('keeps a value the column’s model never saw, shown in its control and said in the same words as Play', async () => {
    await view({ values: { lang: { English: 95, French: 5 }, length_bucket: { concise: 50, medium: 50 } } });
    const b = column('B');
    const bucket = b.getByRole('combobox', { name: 'length_bucket' }) as HTMLSelectElement;
    expect(bucket.value).toBe('long');
    expect(bucket.selectedOptions[0]!.textContent).toBe('long · never in the training data');
    expect(b.getAllByRole('status').map((s) => s.textContent)).toContain('Kept length_bucket=long, though no training row had it: the model never learned it.');
    expect(column('A').queryAllByRole('status').map((s) => s.textContent)).not.toContain(expect.stringMatching(/^Kept /));
  });

  it('offers every value, unlabelled, for a checkpoint that records no counts', async () => {
    await view();
    const lang = column('A').getByRole('combobox', { name: 'lang' }) as HTMLSelectElement;
    expect(lang.options).toHaveLength(24);
    expect(lang.options[1]!.textContent).toBe('English');
    expect(lang.getAttribute('aria-describedby')).toBeNull();
  });
});
