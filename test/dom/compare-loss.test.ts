/**
 * Compare after a lost GPU device: the worker is ended, and the columns the run had not finished run
 * again with the same settings on a fresh worker on the next backend of the order that chose the
 * lost one, by themselves — once per loss.
 */
import { describe, expect, it, vi } from 'vitest';
import { setup } from './compare-fakes';

const never = new Promise<never>(() => {});
const plan = (...order: ('webgpu' | 'wasm' | 'cpu')[]) => ({ auto: async () => ({ order }) });

describe('Compare after a lost GPU device', () => {
  it('mid-run: keeps the finished column and runs the unfinished one again on the next backend, with the same settings', async () => {
    const { compare, player, players, counts } = setup({ freshWorkers: true, backendPlan: plan('webgpu', 'wasm', 'cpu') });
    await compare.start();
    compare.n = 2;
    let draws = 0;
    let reached!: () => void;
    const atB = new Promise<void>((r) => (reached = r));
    player.gate = async () => {
      if (++draws < 2) return;
      reached();
      await never; // column B's draw is running when the device goes
    };
    void compare.run(); // this run's promise never settles: its draw was on the lost worker
    await atB;
    const [a, b] = compare.columns;
    expect([a!.status, b!.status]).toEqual(['done', 'sampling']);
    const resultA = a!.result;

    player.loseDevice();
    await vi.waitFor(() => expect(b!.status).toBe('done'));
    const w1 = players[1]!;
    expect(player.closed).toBe(true);
    expect(w1.inits).toEqual([{ order: ['wasm', 'cpu'] }]);
    expect(w1.requests).toEqual([player.requests[1]]); // only B, exactly as it was asked
    expect(a!.result).toBe(resultA);
    expect(b!.result?.samples).toHaveLength(2);
    expect(b!.result?.markers).toEqual({ length_bucket: 'long' });
    expect([compare.running, compare.error, compare.backend, counts.connects]).toEqual([false, null, 'wasm', 2]);
    expect(compare.notice).toBe('The GPU device was lost (destroyed). Compare ran the column not finished again on WebAssembly, with the same settings.');
  });

  it('a second loss in a row stops the run and says what to do; the next run goes on', async () => {
    const { compare, player, players } = setup({
      freshWorkers: true, backendPlan: plan('webgpu', 'wasm', 'cpu'),
      onConnect: (p, i) => void (i === 1 && (p.gate = () => never)),
    });
    await compare.start();
    compare.n = 2;
    player.gate = () => never;
    void compare.run();
    await vi.waitFor(() => expect(player.requests).toHaveLength(1));
    player.loseDevice();
    await vi.waitFor(() => expect(players[1]?.requests).toHaveLength(1));
    expect(compare.notice).toBe('The GPU device was lost (destroyed). Running the 2 columns not finished again on the next backend…');

    players[1]!.loseDevice();
    await vi.waitFor(() => expect(compare.running).toBe(false));
    expect(compare.error).toBe('The GPU device was lost (destroyed). That is the second loss in a row (on WebAssembly, where Compare had moved after the first), '
      + 'so Compare did not run the columns again: press Run comparison to run them on the next backend.');
    expect(compare.columns.map((c) => c.status)).toEqual(['stopped', 'stopped']);
    expect(compare.notice).toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    expect(players).toHaveLength(2);

    await compare.run();
    expect(players[2]!.inits).toEqual([{ order: ['cpu'] }]);
    expect(compare.columns.map((c) => c.status)).toEqual(['done', 'done']);
    expect([compare.error, compare.notice]).toEqual([null, null]);
  });

  it('while idle: says so, keeps the results, and the next comparison starts on the next backend', async () => {
    const { compare, player, players } = setup({ freshWorkers: true, backendPlan: plan('webgpu', 'cpu') });
    await compare.start();
    compare.n = 2;
    await compare.run();
    const results = compare.columns.map((c) => c.result);
    expect(compare.backend).toBe('webgpu');

    player.loseDevice();
    await vi.waitFor(() => expect(compare.notice).toBe('The GPU device was lost (destroyed). The next comparison runs on the next backend.'));
    expect([players.length, player.closed, compare.backend, compare.running]).toEqual([1, true, null, false]);
    expect(compare.columns.map((c) => c.result)).toEqual(results);

    await compare.run();
    expect(players[1]!.inits).toEqual([{ order: ['cpu'] }]);
    expect(compare.columns.map((c) => c.status)).toEqual(['done', 'done']);
    expect([compare.backend, compare.notice]).toEqual(['cpu', null]);
  });
});
