/**
 * Corrupted checkpoints: flipped bytes, truncation, header edits. Each is refused with a
 * CheckpointError naming the file, or (when only weight bytes changed) read as a valid record;
 * nothing crashes with another error type, and nothing hangs (each case is timed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_MAX_HEADER_BYTES, CheckpointError, fromSafetensors, toSafetensors } from '../../../src/lib/model/checkpoint';
import { headerLength, SafetensorsError } from '../../../src/lib/model/safetensors';
import { makeRecord } from '../../fixtures/checkpoint-record';
import { params } from './arbitraries';

const FILE = 'fuzz.safetensors';
const good = toSafetensors(makeRecord());
const headerBytes = Number(new DataView(good.buffer).getBigUint64(0, true));
const header = JSON.parse(new TextDecoder().decode(good.subarray(8, 8 + headerBytes))) as Record<string, unknown>;
const data = good.subarray(8 + headerBytes);

/** A file with `json` as its header (length recomputed) and the original data. */
function withHeader(json: string, body: Uint8Array = data): Uint8Array {
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(body, 8 + h.length);
  return out;
}

let lastRefusal = '';

/** 'ok' for a valid record, 'refused' for a CheckpointError naming the file; rethrows anything else. */
function outcome(bytes: Uint8Array): 'ok' | 'refused' {
  const t = performance.now();
  try {
    fromSafetensors(bytes, FILE);
    return 'ok';
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    expect(e.message.startsWith(`${FILE}: `)).toBe(true);
    lastRefusal = e.message;
    return 'refused';
  } finally {
    expect(performance.now() - t).toBeLessThan(5_000);
  }
}

describe('safetensors reader on corrupted files', () => {
  it('reads the good file', () => {
    expect(outcome(good)).toBe('ok');
  });

  it('any truncation is refused', () => {
    fc.assert(fc.property(fc.nat({ max: good.length - 1 }), (length) => {
      expect(outcome(good.slice(0, length))).toBe('refused');
    }), params());
  });

  it('flipped bytes anywhere: refused, or (weights only) still a valid record', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
      const bytes = good.slice();
      let inHeader = false;
      for (const [at, mask] of flips) {
        const i = at % bytes.length;
        bytes[i] = bytes[i]! ^ mask;
        if (i < 8 + headerBytes) inHeader = true;
      }
      const result = outcome(bytes);
      // Flips in the length prefix or in JSON structure cannot yield the same valid file.
      if (flips.some(([at]) => at % bytes.length < 8)) expect(result).toBe('refused');
      // Flipped weight bytes are still a file; only a flip that makes a NaN or an infinity is refused.
      if (!inHeader && result === 'refused') expect(lastRefusal).toMatch(/non-finite/);
    }), params());
  });

  it('header edits: a tensor entry or metadata value replaced by any JSON value', () => {
    const keys = Object.keys(header);
    fc.assert(fc.property(fc.constantFrom(...keys), fc.jsonValue(), fc.constantFrom('replace', 'delete', 'field'), (key, value, how) => {
      const edited: Record<string, unknown> = structuredClone(header);
      if (how === 'delete') delete edited[key];
      else if (how === 'replace') edited[key] = value;
      else {
        const entry = edited[key];
        if (typeof entry !== 'object' || entry === null) return;
        const field = Object.keys(entry)[0];
        if (field !== undefined) (entry as Record<string, unknown>)[field] = value;
      }
      outcome(withHeader(JSON.stringify(edited)));
    }), params());
  });

  it('random bytes as a header', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const file = new Uint8Array(8 + bytes.length);
      new DataView(file.buffer).setBigUint64(0, BigInt(bytes.length), true);
      file.set(bytes, 8);
      expect(outcome(file)).toBe('refused');
    }), params());
  });

  it('an oversized header is refused from its first 8 bytes, before parsing', () => {
    const huge = withHeader(JSON.stringify({ ...header, __metadata__: { ...(header.__metadata__ as object), junk: 'x'.repeat(CHECKPOINT_MAX_HEADER_BYTES) } }));
    const t = performance.now();
    expect(() => fromSafetensors(huge, FILE)).toThrow(/exceeds the 4000000-byte limit/);
    expect(performance.now() - t).toBeLessThan(1_000);
    expect(() => headerLength(huge.subarray(0, 8), CHECKPOINT_MAX_HEADER_BYTES)).toThrow(SafetensorsError);
    expect(headerLength(good.subarray(0, 8), CHECKPOINT_MAX_HEADER_BYTES)).toBe(headerBytes);
  });
});
