import { describe, expect, it } from 'vitest';
import {
  decodeSafetensors, encodedByteLength, encodeSafetensors, readHeader, readTensor, SafetensorsError,
} from '../../src/lib/model/safetensors';
import type { Tensor } from '../../src/lib/model/safetensors';

const enc = new TextEncoder();

/** A file built by hand: length, header text exactly as given (no padding), data. */
function handBuilt(header: string, data: Uint8Array = new Uint8Array()): Uint8Array {
  const h = enc.encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** A second, minimal reader written from the spec, independent of the module under test. */
function independentHeader(bytes: Uint8Array): { n: number; json: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> & { __metadata__?: Record<string, string> } } {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const lo = view.getUint32(0, true), hi = view.getUint32(4, true);
  expect(hi).toBe(0);
  return { n: lo, json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + lo))) };
}

const sample: Array<[string, Tensor]> = [
  ['a.weight', { dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-30, -0]) }],
  ['b', { dtype: 'I32', shape: [3], data: Int32Array.from([7, -1, 2 ** 31 - 1]) }],
  ['c', { dtype: 'I64', shape: [2], data: BigInt64Array.from([-5n, 2n ** 62n]) }],
  ['d', { dtype: 'F64', shape: [], data: Float64Array.from([Math.PI]) }],
  ['empty', { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) }],
];

function expectError(bytes: Uint8Array, pattern: RegExp): void {
  expect(() => decodeSafetensors(bytes)).toThrowError(SafetensorsError);
  expect(() => decodeSafetensors(bytes)).toThrowError(pattern);
}

describe('encode → decode', () => {
  it('round-trips F32, I32, I64, F64, scalars and empty tensors with metadata, byte for byte', () => {
    const bytes = encodeSafetensors(sample, { format: 'pt', note: 'héllo "quoted"' });
    const { metadata, tensors } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt', note: 'héllo "quoted"' });
    expect(Object.keys(tensors)).toEqual(sample.map(([n]) => n));
    for (const [name, t] of sample) expect(tensors[name]).toEqual(t);
    expect(Object.is(tensors['a.weight']!.data[5], -0)).toBe(true);
    expect(encodeSafetensors(Object.entries(tensors), metadata)).toEqual(bytes);
    expect(encodedByteLength(sample, { format: 'pt', note: 'héllo "quoted"' })).toBe(bytes.length);
  });

  it('pads the header with spaces so the data starts 8-byte aligned, `__metadata__` first', () => {
    for (let len = 1; len <= 9; len++) {
      const bytes = encodeSafetensors([['x'.repeat(len), { dtype: 'F32', shape: [1], data: new Float32Array(1) }]], { k: 'v' });
      const { n } = independentHeader(bytes);
      expect((8 + n) % 8).toBe(0);
      const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
      expect(text.startsWith('{"__metadata__":{"k":"v"},')).toBe(true);
      expect(text.trimEnd().endsWith('}')).toBe(true);
      expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
      expect(bytes.length).toBe(8 + n + 4);
    }
  });

  it('agrees with an independent reader: offsets relative to the data, little-endian, row-major', () => {
    const bytes = encodeSafetensors(sample);
    const { n, json } = independentHeader(bytes);
    expect(json.__metadata__).toBeUndefined();
    expect(json['a.weight']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(json.b).toEqual({ dtype: 'I32', shape: [3], data_offsets: [24, 36] });
    expect(json.c).toEqual({ dtype: 'I64', shape: [2], data_offsets: [36, 52] });
    expect(json.empty).toEqual({ dtype: 'F32', shape: [0, 4], data_offsets: [60, 60] });
    const view = new DataView(bytes.buffer, 8 + n);
    expect([0, 1, 2, 3, 4].map((i) => view.getFloat32(4 * i, true))).toEqual([1, -2, 3.5, 0, Math.fround(1e-30)]);
    expect(view.getInt32(24 + 8, true)).toBe(2 ** 31 - 1);
    expect(view.getBigInt64(36 + 8, true)).toBe(2n ** 62n);
    expect(view.getFloat64(52, true)).toBe(Math.PI);
  });

  it('reads a hand-written file with an unpadded header, so tensor data sits at odd offsets', () => {
    const data = new Uint8Array(16);
    const dv = new DataView(data.buffer);
    [1, 2, 3, 4].forEach((v, i) => dv.setInt32(4 * i, v, true));
    const bytes = handBuilt('{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]},"__metadata__":{"foo":"bar"}}', data);
    expect((bytes.length - 16) % 4).not.toBe(0);
    const { metadata, tensors } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ foo: 'bar' });
    expect(tensors.test).toEqual({ dtype: 'I32', shape: [2, 2], data: Int32Array.from([1, 2, 3, 4]) });
    // And from a view that starts mid-buffer.
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(decodeSafetensors(shifted.subarray(3)).tensors.test).toEqual(tensors.test);
  });

  it('keeps a tensor named __proto__ as an ordinary entry', () => {
    const bytes = encodeSafetensors([['__proto__', { dtype: 'F32', shape: [1], data: Float32Array.of(2) }]]);
    const { tensors } = decodeSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
  });

  it('reads headers of dtypes it cannot convert, and says so when asked for their data', () => {
    const bytes = handBuilt('{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', new Uint8Array(4));
    const header = readHeader(bytes);
    expect(header.tensors.h).toEqual({ dtype: 'F16', shape: [2], begin: 0, end: 4 });
    expect(() => readTensor(bytes, header, 'h')).toThrowError(/dtype F16; only F32, F64, I32, I64 can be read/);
    expect(() => readTensor(bytes, header, 'nope')).toThrowError(/no tensor named nope/);
  });

  it('refuses to encode inconsistent tensors', () => {
    const t: Tensor = { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) };
    expect(() => encodeSafetensors([['t', t]])).toThrowError(/shape \[2,2\] does not match its 3 values/);
    const ok: Tensor = { dtype: 'F32', shape: [1], data: new Float32Array(1) };
    expect(() => encodeSafetensors([['t', ok], ['t', ok]])).toThrowError(/reserved or repeated/);
    expect(() => encodeSafetensors([['__metadata__', ok]])).toThrowError(/reserved or repeated/);
  });
});

describe('decode refuses damaged files with a specific message', () => {
  const good = encodeSafetensors(sample, { format: 'pt' });
  const withLength = (n: bigint): Uint8Array => {
    const b = good.slice();
    new DataView(b.buffer).setBigUint64(0, n, true);
    return b;
  };
  const entry = (o: object): string => JSON.stringify({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 8], ...o } });

  it('too short for the length field', () => expectError(good.subarray(0, 5), /5 bytes, too short/));
  it('truncated data', () => expectError(good.subarray(0, good.length - 3), /reach past the data section .*truncated/));
  it('header length beyond the file', () => {
    expectError(withLength(BigInt(good.length)), /header length \d+ is beyond the end of the file/);
    expectError(withLength(1n << 63n), /header length 9223372036854775808 is beyond/);
  });
  it('header length too small: JSON cut short', () => expectError(withLength(24n), /header is not valid JSON/));
  it('header not starting with {', () => expectError(handBuilt(' {}'), /does not start with "\{"/));
  it('bad JSON', () => expectError(handBuilt('{"t": {"dtype": "F32",}}'), /header is not valid JSON/));
  it('not UTF-8', () => {
    const b = handBuilt('{"x":"ab"}');
    b[14] = 0xff;
    expectError(b, /not valid UTF-8/);
  });
  it('a JSON value that is not an object', () => expectError(handBuilt('{"t": 3}'), /tensor t: entry must be an object/));
  it('metadata values that are not strings', () => {
    expectError(handBuilt('{"__metadata__":{"step":3}}'), /__metadata__\.step must be a string, got 3/);
    expectError(handBuilt('{"__metadata__":["a"]}'), /__metadata__ must be an object/);
  });
  it('unknown dtype', () => expectError(handBuilt(entry({ dtype: 'F17' }), new Uint8Array(8)), /unknown dtype "F17"/));
  it('bad shapes and offsets', () => {
    expectError(handBuilt(entry({ shape: [-2] }), new Uint8Array(8)), /shape must be a list of non-negative integers/);
    expectError(handBuilt(entry({ shape: [1.5] }), new Uint8Array(8)), /shape must be/);
    expectError(handBuilt(entry({ data_offsets: [0] }), new Uint8Array(8)), /data_offsets must be \[begin, end\]/);
    expectError(handBuilt(entry({ data_offsets: [8, 0] }), new Uint8Array(8)), /end before they begin/);
  });
  it('shape × dtype size differing from the byte range', () => {
    expectError(handBuilt(entry({ shape: [3] }), new Uint8Array(8)), /shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] hold 8/);
    expectError(handBuilt(entry({ shape: [2 ** 40, 2 ** 40] }), new Uint8Array(8)), /needs .* bytes/);
  });
  it('out-of-range offsets', () => expectError(handBuilt(entry({ data_offsets: [8, 16] }), new Uint8Array(8)), /reach past the data section \(8 bytes/));
  it('overlapping tensors', () => {
    const h = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}';
    expectError(handBuilt(h, new Uint8Array(12)), /tensor b \(bytes 4–12\) overlaps tensor a/);
  });
  it('holes and trailing bytes', () => {
    expectError(handBuilt(entry({ data_offsets: [4, 12] }), new Uint8Array(12)), /data bytes 0–4 belong to no tensor/);
    expectError(handBuilt(entry({}), new Uint8Array(12)), /4 bytes after the last tensor belong to no tensor/);
  });
  it('a tensor named twice', () => {
    const h = '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    expectError(handBuilt(h, new Uint8Array(4)), /header names "a" twice/);
  });
});

describe('Node Buffers', () => {
  it('decode the same from a Buffer (whose slice() shares memory) as from a Uint8Array', () => {
    const bytes = encodeSafetensors([
      ['a', { dtype: 'F32', shape: [2], data: Float32Array.from([1, 2]) }],
      ['b', { dtype: 'F32', shape: [3], data: Float32Array.from([3, 4, 5]) }],
    ]);
    // A Buffer inside a larger pool, as readFileSync often returns.
    const pool = Buffer.alloc(bytes.length + 64);
    Buffer.from(bytes).copy(pool, 32);
    const asBuffer = pool.subarray(32, 32 + bytes.length);
    const decoded = decodeSafetensors(asBuffer);
    expect(Array.from(decoded.tensors.b!.data as Float32Array)).toEqual([3, 4, 5]);
    expect(Array.from(decoded.tensors.a!.data as Float32Array)).toEqual([1, 2]);
  });
});
