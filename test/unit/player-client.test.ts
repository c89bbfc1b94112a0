import { describe, expect, it } from 'vitest';
import type { BackendOptions, DeviceLoss } from '../../src/lib/model/backend';
import { PlayerClient } from '../../src/lib/state/player-client';
import type { ModelInfo, PlayerApi } from '../../workers/player.api';
import type { WeightsMessage } from '../../workers/faults';

/** A player whose checkpoint "bytes" are one byte, its step; init and load can be held or made to fail. */
function fakePlayer() {
  const calls = { connects: 0, closes: 0, inits: [] as (BackendOptions | undefined)[], loads: [] as number[], cancels: 0 };
  let failInit = false;
  let holdLoad: Promise<void> | null = null;
  const info = (step: number) => ({ step }) as unknown as ModelInfo;
  const api = {
    init: async (options?: BackendOptions) => {
      calls.inits.push(options);
      await Promise.resolve();
      if (failInit) throw new Error('no backend');
      return { backend: options?.order?.[0] ?? 'cpu', fallbacks: [] };
    },
    load: async (bytes: Uint8Array) => {
      const step = bytes[0]!;
      calls.loads.push(step);
      if (holdLoad && step === 1) await holdLoad;
      if (step === 0) throw new Error('not a valid safetensors file');
      return info(step);
    },
    loadWeights: async (message: WeightsMessage) => info(message.step),
    cancel: () => void calls.cancels++,
    lost: () => new Promise(() => {}),
  } as unknown as PlayerApi;
  const connect = () => {
    calls.connects++;
    return { api, close: () => void calls.closes++ };
  };
  return { connect, calls, failNextInit: (on: boolean) => void (failInit = on), hold: (p: Promise<void> | null) => void (holdLoad = p) };
}

describe('PlayerClient', () => {
  it('starts one worker on the plan for callers that ask at once, and has no API before it has started', async () => {
    const f = fakePlayer();
    const client = new PlayerClient(f.connect, { auto: async () => ({ order: ['wasm', 'cpu'], wasmThreads: false }) });
    expect(client.api).toBeNull();
    const [a, b] = await Promise.all([client.ready(), client.ready()]);
    expect(a).toBe(b);
    expect(f.calls.connects).toBe(1);
    expect(f.calls.inits).toEqual([{ order: ['wasm', 'cpu'], wasmThreads: false }]);
    expect(client.report?.backend).toBe('wasm');
    expect(client.api).toBe(a);
  });

  it('closes a worker whose start failed and starts afresh on the next call', async () => {
    const f = fakePlayer();
    const client = new PlayerClient(f.connect);
    f.failNextInit(true);
    await expect(client.ready()).rejects.toThrow('no backend');
    expect([f.calls.connects, f.calls.closes]).toEqual([1, 1]);
    expect(client.api).toBeNull();
    f.failNextInit(false);
    await client.ready();
    expect(f.calls.connects).toBe(2);
    expect(client.report?.backend).toBe('cpu');
  });

  it('knows which checkpoint the worker holds: not after weights, a failed load or close; the latest load wins', async () => {
    const f = fakePlayer();
    const client = new PlayerClient(f.connect);
    expect((await client.load('demo', Uint8Array.of(7))).step).toBe(7);
    expect(client.loadedInfo('demo')?.step).toBe(7);
    expect(client.loadedInfo('base')).toBeNull();

    await client.loadWeights({ step: 40 } as WeightsMessage);
    expect(client.loadedInfo('demo')).toBeNull();

    await client.load('demo', Uint8Array.of(7));
    await expect(client.load('broken', Uint8Array.of(0))).rejects.toThrow('not a valid');
    expect(client.loadedInfo('demo')).toBeNull(); // the worker may still hold demo, but the client does not claim it

    // A slow load answered after a newer one does not claim the worker.
    let release = (): void => {};
    f.hold(new Promise<void>((r) => (release = r)));
    const slow = client.load('one', Uint8Array.of(1));
    await client.load('two', Uint8Array.of(2));
    release();
    await slow;
    expect(client.loadedInfo('one')).toBeNull();
    expect(client.loadedInfo('two')?.step).toBe(2);

    client.close();
    expect(client.loadedInfo('two')).toBeNull();
    expect(f.calls.closes).toBe(1);
  });

  it('cancels draws in place once started (the worker stays), and not before', async () => {
    const f = fakePlayer();
    const client = new PlayerClient(f.connect);
    client.cancel();
    expect([f.calls.connects, f.calls.cancels]).toEqual([0, 0]);
    await client.ready();
    client.cancel();
    expect([f.calls.cancels, f.calls.closes]).toEqual([1, 0]);
  });

  it('on a lost device ends that worker and starts the next backends of its order; a loss heard from an ended worker is ignored', async () => {
    const losses: (() => void)[] = [];
    const inits: (BackendOptions | undefined)[] = [];
    let closes = 0;
    const connect = () => {
      let lose = (): void => {};
      const lost = new Promise<DeviceLoss>((r) => (lose = () => r({ reason: 'destroyed', message: 'lost' })));
      losses.push(() => lose());
      const api = {
        init: async (options?: BackendOptions) => (inits.push(options), { backend: options?.order?.[0] ?? 'cpu', fallbacks: [] }),
        lost: () => lost,
      } as unknown as PlayerApi;
      return { api, close: () => void closes++ };
    };
    const heard: string[] = [];
    const client = new PlayerClient(connect, { auto: async () => ({ order: ['webgpu', 'cpu', 'wasm'] }) }, (loss, on) => heard.push(`${loss.reason} on ${on.backend}`));
    await client.ready();
    client.close(); // the first worker ends for another reason; its loss later means nothing
    losses[0]!();
    await client.ready();
    expect(client.report?.backend).toBe('webgpu');
    losses[1]!();
    await new Promise((r) => setTimeout(r, 0));
    expect(heard).toEqual(['destroyed on webgpu']);
    expect([closes, client.api]).toEqual([2, null]);
    await client.ready();
    expect(inits.at(-1)).toEqual({ order: ['cpu', 'wasm'] }); // the order that chose the lost backend, after it
    expect(client.report?.backend).toBe('cpu');
  });
});
