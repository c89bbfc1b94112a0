/**
 * The safetensors file format (huggingface/safetensors), written from its description:
 *
 *   [8 bytes]  N, the header length, unsigned 64-bit little-endian
 *   [N bytes]  JSON header: { "<name>": { dtype, shape, data_offsets: [begin, end] }, …,
 *                             "__metadata__"?: { "<key>": "<string value>" } }
 *              starting with `{`, padded with spaces so the data starts 8-byte aligned
 *   [rest]     the tensors' bytes, little-endian, row-major; offsets are relative to this section,
 *              which every tensor covers exactly (no holes, no overlaps)
 *
 * Pure TS with no DOM, so it runs in Node, pages and workers. Decoding treats the file as hostile:
 * every number in the header is checked before it is used, and tensor data is copied out, so
 * unaligned offsets and shared buffers are fine.
 */
import { errorMessage } from '../util/errors';

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** Bytes per element of each dtype the format defines (the ones this module can name). */
export const DTYPE_BYTES = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
} as const;

export type DType = keyof typeof DTYPE_BYTES;

/** A tensor with data this module can read and write; other dtypes are reported, not converted. */
export type Tensor =
  | { dtype: 'F32'; shape: number[]; data: Float32Array }
  | { dtype: 'F64'; shape: number[]; data: Float64Array }
  | { dtype: 'I32'; shape: number[]; data: Int32Array }
  | { dtype: 'I64'; shape: number[]; data: BigInt64Array };

export type SupportedDType = Tensor['dtype'];

/** One header entry; `begin`/`end` are byte offsets into the data section. */
export interface TensorEntry {
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** The `__metadata__` map ({} when absent). */
  metadata: Record<string, string>;
  /** Tensors in data order. */
  tensors: Record<string, TensorEntry>;
  /** Where the data section starts in the file: 8 + N. */
  dataOffset: number;
}

/** The reference implementation refuses larger headers; so do we, before decoding any text. */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';
const ALIGN = 8;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const ARRAYS = { F32: Float32Array, F64: Float64Array, I32: Int32Array, I64: BigInt64Array } as const;

/**
 * The header length the file's first 8 bytes announce, refused above `maxHeaderBytes` before a byte
 * of the header is decoded: a caller can read just `file.slice(0, 8)` and turn away a file whose
 * header would take seconds to parse. Throws SafetensorsError.
 *
 * @example
 * headerLength(new Uint8Array(await file.slice(0, 8).arrayBuffer()), 4_000_000) // → 32144
 */
export function headerLength(prefix: Uint8Array, maxHeaderBytes: number = MAX_HEADER_BYTES): number {
  if (prefix.length < 8) throw new SafetensorsError(`file is ${prefix.length} bytes, too short for the 8-byte header length`);
  const n64 = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength).getBigUint64(0, true);
  if (n64 > BigInt(maxHeaderBytes)) {
    throw new SafetensorsError(`header length ${n64} exceeds the ${maxHeaderBytes}-byte limit (refused before parsing it)`);
  }
  return Number(n64);
}

/**
 * Parse and check the header without touching tensor data: cheap, and enough to compare shapes
 * against an expected model before reading megabytes. A header longer than `maxHeaderBytes` is
 * refused before it is decoded.
 *
 * @example
 * const header = readHeader(bytes);
 * header.tensors['transformer.wte.weight']; // { dtype: 'F32', shape: [V, C], begin: 0, end: 4 * V * C }
 */
export function readHeader(bytes: Uint8Array, maxHeaderBytes: number = MAX_HEADER_BYTES): SafetensorsHeader {
  const fail = (why: string): never => {
    throw new SafetensorsError(why);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n64 > BigInt(bytes.length - 8)) {
    fail(`header length ${n64} is beyond the end of the file (${bytes.length} bytes; truncated or not safetensors)`);
  }
  const n = headerLength(bytes, maxHeaderBytes);
  if (n < 2 || bytes[8] !== 0x7b) fail('header does not start with "{" (not a safetensors file?)');

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON: ${errorMessage(e)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('header must be a JSON object');
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== null) fail(`header names ${JSON.stringify(duplicate)} twice`);

  const dataOffset = 8 + n;
  const dataLength = bytes.length - dataOffset;
  const raw = json as Record<string, unknown>;
  const metadata = readMetadata(raw[METADATA_KEY]);
  const entries = Object.keys(raw)
    .filter((name) => name !== METADATA_KEY)
    .map((name) => [name, readEntry(name, raw[name], dataLength)] as const)
    .sort((a, b) => a[1].begin - b[1].begin || a[1].end - b[1].end);

  let covered = 0;
  let previous = '';
  for (const [name, e] of entries) {
    if (e.begin < covered) fail(`tensor ${name} (bytes ${e.begin}–${e.end}) overlaps tensor ${previous}`);
    if (e.begin > covered) fail(`data bytes ${covered}–${e.begin} belong to no tensor (the format allows no holes)`);
    covered = e.end;
    previous = name;
  }
  if (covered !== dataLength) fail(`${dataLength - covered} bytes after the last tensor belong to no tensor`);
  return { metadata, tensors: Object.fromEntries(entries), dataOffset };
}

function readMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new SafetensorsError('__metadata__ must be an object');
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError(`__metadata__.${key} must be a string, got ${JSON.stringify(v)} (the format allows only strings)`);
    }
  }
  return Object.fromEntries(Object.entries(value as Record<string, string>));
}

function readEntry(name: string, value: unknown, dataLength: number): TensorEntry {
  const fail = (why: string): never => {
    throw new SafetensorsError(`tensor ${name}: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('entry must be an object');
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) {
    fail(`unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_BYTES).join(', ')})`);
  }
  const isIndex = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  if (!Array.isArray(shape) || !shape.every(isIndex)) fail(`shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    fail(`data_offsets must be [begin, end] in bytes, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) fail(`data_offsets [${begin}, ${end}] reach past the data section (${dataLength} bytes; file truncated?)`);
  const elements = (shape as number[]).reduce((a, b) => a * b, 1);
  const size = elements * DTYPE_BYTES[dtype as DType];
  if (!Number.isSafeInteger(size) || size !== end - begin) {
    fail(`shape ${JSON.stringify(shape)} of ${dtype} needs ${size} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { dtype: dtype as DType, shape: [...(shape as number[])], begin, end };
}

/**
 * Top-level keys named twice. JSON.parse silently keeps the last, which could hide a tensor;
 * the format forbids duplicates. `text` is already valid JSON, so tracking depth and strings suffices.
 */
function firstDuplicateKey(text: string): string | null {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (depth !== 1) continue;
      let j = i + 1;
      while (/\s/.test(text[j] ?? '')) j++;
      if (text[j] !== ':') continue;
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (seen.has(key)) return key;
      seen.add(key);
    }
  }
  return null;
}

/**
 * Copy one tensor's data out of the file. Throws for dtypes without a typed array here (F16, BF16, …).
 *
 * @example
 * const wte = readTensor(bytes, readHeader(bytes), 'transformer.wte.weight'); // { dtype: 'F32', shape, data }
 */
export function readTensor(bytes: Uint8Array, header: SafetensorsHeader, name: string): Tensor {
  const entry = Object.hasOwn(header.tensors, name) ? header.tensors[name] : undefined;
  if (!entry) throw new SafetensorsError(`no tensor named ${name}`);
  const { dtype, shape, begin, end } = entry;
  if (!Object.hasOwn(ARRAYS, dtype)) {
    throw new SafetensorsError(`tensor ${name} has dtype ${dtype}; only ${Object.keys(ARRAYS).join(', ')} can be read`);
  }
  const type = dtype as SupportedDType;
  // A copy into a fresh, aligned, unshared ArrayBuffer whatever the tensor's offset. Not bytes.slice():
  // on a Node Buffer (readFileSync) slice() returns a view of the whole file's memory.
  const copy = Uint8Array.prototype.slice.call(bytes, header.dataOffset + begin, header.dataOffset + end);
  if (!LITTLE_ENDIAN) swapBytes(copy, DTYPE_BYTES[type]);
  return { dtype: type, shape: [...shape], data: new ARRAYS[type](copy.buffer) } as Tensor;
}

/**
 * Decode a whole file: header checked, every tensor copied out.
 *
 * @example
 * const { metadata, tensors } = decodeSafetensors(new Uint8Array(await file.arrayBuffer()));
 */
export function decodeSafetensors(bytes: Uint8Array): { metadata: Record<string, string>; tensors: Record<string, Tensor> } {
  const header = readHeader(bytes);
  const names = Object.keys(header.tensors);
  return { metadata: header.metadata, tensors: Object.fromEntries(names.map((name) => [name, readTensor(bytes, header, name)])) };
}

/**
 * Encode tensors (in the given order) and string metadata. The header is padded with spaces to
 * 8-byte alignment, `__metadata__` first, as the reference writer does.
 *
 * @example
 * const bytes = encodeSafetensors([['w', { dtype: 'F32', shape: [2, 3], data: new Float32Array(6) }]], { format: 'pt' });
 */
export function encodeSafetensors(
  tensors: Iterable<readonly [string, Tensor]>,
  metadata: Record<string, string> = {},
): Uint8Array<ArrayBuffer> {
  const list = [...tensors];
  const header = encodeHeader(list, metadata);
  const out = new Uint8Array(header.length + list.reduce((n, [, t]) => n + t.data.byteLength, 0));
  out.set(header, 0);
  let at = header.length;
  for (const [, t] of list) {
    const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(raw, at);
    if (!LITTLE_ENDIAN) swapBytes(out.subarray(at, at + raw.length), DTYPE_BYTES[t.dtype]);
    at += raw.length;
  }
  return out;
}

/**
 * Size in bytes of the file encodeSafetensors would write, without copying any data.
 *
 * @example
 * encodedByteLength([['w', tensor]], { format: 'pt' }); // === encodeSafetensors([['w', tensor]], { format: 'pt' }).length
 */
export function encodedByteLength(tensors: Iterable<readonly [string, Tensor]>, metadata: Record<string, string> = {}): number {
  const list = [...tensors];
  return encodeHeader(list, metadata).length + list.reduce((n, [, t]) => n + t.data.byteLength, 0);
}

/** The 8-byte length plus the padded JSON header. */
function encodeHeader(list: ReadonlyArray<readonly [string, Tensor]>, metadata: Record<string, string>): Uint8Array {
  const json: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new SafetensorsError(`metadata ${key} must be a string`);
  }
  if (Object.keys(metadata).length > 0) json[METADATA_KEY] = metadata;
  const seen = new Set<string>();
  let offset = 0;
  for (const [name, t] of list) {
    if (name === METADATA_KEY || seen.has(name)) throw new SafetensorsError(`tensor name ${JSON.stringify(name)} is reserved or repeated`);
    seen.add(name);
    const elements = t.shape.reduce((a, b) => a * b, 1);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || elements !== t.data.length) {
      throw new SafetensorsError(`tensor ${name}: shape ${JSON.stringify(t.shape)} does not match its ${t.data.length} values`);
    }
    Object.defineProperty(json, name, {
      value: { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] },
      enumerable: true,
    });
    offset += t.data.byteLength;
  }
  const text = new TextEncoder().encode(JSON.stringify(json));
  const padded = Math.ceil((8 + text.length) / ALIGN) * ALIGN - 8;
  const out = new Uint8Array(8 + padded).fill(0x20, 8 + text.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(text, 8);
  return out;
}

/** Reverse each `size`-byte element in place (only on big-endian hosts, which are rare). */
function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}
