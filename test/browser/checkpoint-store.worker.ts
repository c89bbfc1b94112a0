/** Test worker: the checkpoint store and the safetensors code running inside a module Web Worker. */
import * as Comlink from 'comlink';
import { CheckpointStore } from '../../src/lib/model/checkpoint-store';
import { makeRecord } from '../fixtures/checkpoint-record';

const api = {
  async save(dbName: string): Promise<string> {
    const store = new CheckpointStore({ dbName });
    const id = await store.save(makeRecord({ seed: 3, optimizer: true }), { name: 'from the worker' });
    await store.close();
    return id;
  },
  async load(dbName: string, id: string): Promise<{ step: number; names: string[]; hasEstimate: boolean }> {
    const store = new CheckpointStore({ dbName });
    const record = await store.load(id);
    const names = (await store.list()).map((s) => s.name);
    const hasEstimate = (await store.estimate()) !== null;
    await store.close();
    return { step: record.step, names, hasEstimate };
  },
};

export type StoreWorkerApi = typeof api;
Comlink.expose(api);
