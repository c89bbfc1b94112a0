/**
 * Checkpoint flags refuse a file from its size and its first 8 bytes before reading it, with the
 * limits an upload in the page has (checkpoint.ts): one line naming the file, its size and the limit.
 * The big files are sparse: they take no disk, and reading one would take seconds and its size in memory.
 */
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_MAX_FILE_BYTES, CHECKPOINT_MAX_HEADER_BYTES } from '../../src/lib/model/checkpoint';
import { runCli, type CliResult } from './cli-run';

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'markerlab-ckpt-size-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A sparse file of `size` bytes starting with an 8-byte header length `headerBytes`. */
function sparse(name: string, size: number, headerBytes: number): string {
  const path = join(tmp, name);
  const head = new Uint8Array(8);
  new DataView(head.buffer).setBigUint64(0, BigInt(headerBytes), true);
  writeFileSync(path, head);
  truncateSync(path, size);
  return path;
}

function expectRefused(r: CliResult, message: string): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`markerlab: ${message}\n`);
}

const PROMPT = ['--prompt', 'Tell me about rain.'];

describe('checkpoint flags refuse a file before reading it', () => {
  it('over the size limit: names the file, its size and the limit', async () => {
    const big = sparse('big.safetensors', 600 * 1024 * 1024, 1000);
    const t0 = performance.now();
    expectRefused(await runCli('sample', '--ckpt', big, ...PROMPT), `${big}: the file is 600 MB, over the 512 MB limit for a checkpoint`);
    expectRefused(await runCli('train', '--data', 'builtin:teaching', '--init', big, '--steps', '1', '--out', join(tmp, 'never.safetensors')), `${big}: the file is 600 MB, over the 512 MB limit for a checkpoint`);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('one byte over the limit: the sizes in bytes, since both round to 512 MB', async () => {
    const over = sparse('over.safetensors', CHECKPOINT_MAX_FILE_BYTES + 1, 1000);
    expectRefused(await runCli('dist', '--ckpt', over, ...PROMPT),
      `${over}: the file is ${CHECKPOINT_MAX_FILE_BYTES + 1} bytes, over the ${CHECKPOINT_MAX_FILE_BYTES} bytes limit for a checkpoint`);
  });

  it('a header length over the header limit, or past the end of the file, from the first 8 bytes', async () => {
    const header = sparse('header.safetensors', 30 * 1024 * 1024, CHECKPOINT_MAX_HEADER_BYTES + 1);
    expectRefused(await runCli('eval', '--ckpt', header, '--data', 'builtin:teaching'),
      `${header}: not a valid safetensors file: header length ${CHECKPOINT_MAX_HEADER_BYTES + 1} exceeds the ${CHECKPOINT_MAX_HEADER_BYTES}-byte limit (refused before parsing it)`);
    const past = sparse('past.safetensors', 5000, 9000);
    expectRefused(await runCli('dist', '--ckpt', past, ...PROMPT),
      `${past}: not a valid safetensors file: header length 9000 is beyond the end of the file (5000 bytes)`);
  });

  it('a file shorter than the 8-byte header length', async () => {
    const short = join(tmp, 'short.safetensors');
    const fd = openSync(short, 'w');
    writeSync(fd, new Uint8Array([1, 2, 3]));
    closeSync(fd);
    expectRefused(await runCli('dist', '--ckpt', short, ...PROMPT),
      `${short}: not a valid safetensors file: file is 3 bytes, too short for the 8-byte header length`);
  });
});
