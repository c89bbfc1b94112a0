/** The arbitrage core stays pure (DESIGN.md): it imports only the other pure folders, never tf, the model, state or the DOM. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '../../../src/lib/arbitrage');
const ALLOWED = /^(\.\/[\w-]+|\.\.\/(markers|data|eval|util)\/[\w-]+)$/;

describe('src/lib/arbitrage', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

  it('has its modules', () => {
    expect(files).toEqual(expect.arrayContaining(['types.ts', 'reward.ts', 'routers.ts', 'learned.ts', 'dataset.ts', 'compositions.ts']));
  });

  it.each(files)('%s imports only pure modules and touches no DOM', (file) => {
    const source = readFileSync(join(DIR, file), 'utf8');
    const specifiers = [...source.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]!);
    for (const s of specifiers) expect(s, `${file} imports ${s}`).toMatch(ALLOWED);
    expect(source).not.toMatch(/\b(document|window|localStorage|Math\.random)\b/);
  });
});
