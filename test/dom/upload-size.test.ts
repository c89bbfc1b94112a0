/** Uploads are refused by File.size and a checkpoint's 8-byte header length before they are read. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BYTES, sizeProblem } from '../../src/lib/data/decode';
import { CHECKPOINT_MAX_HEADER_BYTES, checkpointUploadProblem, toSafetensors } from '../../src/lib/model/checkpoint';
import { DatasetsState } from '../../src/lib/state/datasets.svelte';
import { createDataApi } from '../../workers/data.api';
import { makeRecord } from '../fixtures/checkpoint-record';

/** A File-like whose arrayBuffer() must never be called. */
function unreadable(name: string, size: number, head = new Uint8Array(8)) {
  return {
    name, size,
    arrayBuffer: async (): Promise<ArrayBuffer> => {
      throw new Error('read the whole file although its size was already too big');
    },
    slice: (start: number, end: number) => new Blob([head.slice(start, end)]),
  };
}

describe('sizeProblem', () => {
  it('names the size and the limit; null under it', () => {
    expect(sizeProblem(60 * 1024 * 1024)).toBe('the file is 60 MB, over the import limit of 50 MB');
    expect(sizeProblem(DEFAULT_MAX_BYTES + 1)).toMatch(/^the file is \d+ bytes, over the import limit of \d+ bytes$/);
    expect(sizeProblem(DEFAULT_MAX_BYTES)).toBeNull();
  });
});

describe('UploadsState.upload', () => {
  it('refuses a file over the limit from its size, without reading it', async () => {
    const state = new DatasetsState({ ...createDataApi(), builtins: () => [], loadBuiltin: async () => { throw new Error('none'); } });
    await state.uploads.upload(unreadable('huge.jsonl', 2 * 1024 * 1024 * 1024));
    expect(state.uploads.uploadError?.message).toBe('huge.jsonl: the file is 2 GB, over the import limit of 50 MB');
    expect(state.uploads.uploadError?.issues[0]).toMatchObject({ file: 'huge.jsonl', line: 0 });
  });
});

describe('checkpointUploadProblem', () => {
  it('accepts a real checkpoint', async () => {
    const bytes = toSafetensors(makeRecord());
    expect(await checkpointUploadProblem(new Blob([bytes]))).toBeNull();
  });

  it('refuses an oversized header from the first 8 bytes', async () => {
    const head = new Uint8Array(8);
    new DataView(head.buffer).setBigUint64(0, BigInt(CHECKPOINT_MAX_HEADER_BYTES + 1), true);
    expect(await checkpointUploadProblem(unreadable('big.safetensors', 20_000_000, head))).toMatch(/exceeds the 4000000-byte limit/);
  });

  it('refuses a header length beyond the file and a file too short to hold one', async () => {
    const head = new Uint8Array(8);
    new DataView(head.buffer).setBigUint64(0, 5000n, true);
    expect(await checkpointUploadProblem(unreadable('cut.safetensors', 100, head))).toMatch(/beyond the end of the file/);
    expect(await checkpointUploadProblem(new Blob([new Uint8Array(3)]))).toMatch(/too short/);
  });

  it('refuses a file over the checkpoint size limit', async () => {
    expect(await checkpointUploadProblem(unreadable('x.safetensors', 4 * 1024 ** 3))).toMatch(/over the 512 MB limit/);
  });
});
