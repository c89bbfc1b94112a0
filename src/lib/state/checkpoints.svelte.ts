/**
 * The checkpoints a person can pick from: the two that ship with the app (in `public/models/`)
 * and the ones saved in this browser's IndexedDB. Train saves here; Play and Compare load from here.
 * Bytes stay safetensors files end to end (what is stored is what export downloads).
 *
 * @example
 * const checkpoints = new CheckpointsState(new CheckpointStore(), BUILTIN_CHECKPOINTS);
 * await checkpoints.refresh();
 * const bytes = await checkpoints.bytes('builtin:demo');   // fetched from public/models/demo.safetensors
 * const id = await checkpoints.saveBytes(bytes, { name: 'my run, step 300' });
 */
import { checkpointUploadProblem, fromSafetensors, type SizedFile } from '../model/checkpoint';
import type { CheckpointStore, StoredCheckpoint } from '../model/checkpoint-store';
import { errorMessage } from '../util/errors';

export interface BuiltinCheckpoint {
  /** `builtin:<name>`, never clashing with the store's generated ids. */
  id: string;
  name: string;
  description: string;
  /** Relative to the app's base URL. */
  path: string;
}

/** The demo models `npm run build:models` writes (see the README). */
export const BUILTIN_CHECKPOINTS: readonly BuiltinCheckpoint[] = [
  { id: 'builtin:demo', name: 'Demo: marker-tuned', description: 'the base model fine-tuned on the teaching set with markers (50% / 50% dropout)', path: 'models/demo.safetensors' },
  { id: 'builtin:base', name: 'Base: no markers', description: 'pretrained on the teaching set’s text without markers; start fine-tuning from here', path: 'models/base.safetensors' },
];

/** The checkpoint Play and Compare open with. */
export const DEFAULT_CHECKPOINT = 'builtin:demo';

export interface CheckpointEntry {
  id: string;
  name: string;
  builtin: boolean;
  /** Present for stored checkpoints (step, metrics, size…); built-ins are described in words. */
  stored?: StoredCheckpoint;
  description?: string;
}

export class CheckpointsState {
  stored = $state.raw<StoredCheckpoint[]>([]);
  error = $state<string | null>(null);
  usage = $state.raw<{ usage: number; quota: number } | null>(null);
  readonly builtins: readonly BuiltinCheckpoint[];
  #store: CheckpointStore;
  #fetch: typeof fetch;
  #base: string;
  #cache = new Map<string, Promise<Uint8Array>>();

  constructor(store: CheckpointStore, builtins: readonly BuiltinCheckpoint[] = BUILTIN_CHECKPOINTS, options: { fetch?: typeof fetch; base?: string } = {}) {
    this.#store = store;
    this.builtins = builtins;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#base = options.base ?? '/';
  }

  /** Built-ins first, then stored checkpoints newest first. */
  get entries(): CheckpointEntry[] {
    return [
      ...this.builtins.map((b) => ({ id: b.id, name: b.name, builtin: true, description: b.description })),
      ...this.stored.map((s) => ({ id: s.id, name: s.name, builtin: false, stored: s })),
    ];
  }

  /** Re-read the stored list and the storage estimate; errors are kept for display, never thrown. */
  async refresh(): Promise<void> {
    try {
      const { checkpoints, unreadable } = await this.#store.survey();
      this.stored = checkpoints;
      this.usage = await this.#store.estimate();
      this.error = unreadable.length === 0
        ? null
        : `${unreadable.length} saved checkpoint${unreadable.length === 1 ? '' : 's'} could not be read and ${unreadable.length === 1 ? 'is' : 'are'} not listed (left as stored): ${unreadable.slice(0, 3).map((u) => `${u.key}: ${u.reason}`).join('; ')}${unreadable.length > 3 ? '; …' : ''}`;
    } catch (err) {
      this.error = `Could not read saved checkpoints: ${errorMessage(err)}`;
    }
  }

  /** The safetensors bytes of a built-in (fetched once) or stored checkpoint. Throws with a reason. */
  async bytes(id: string): Promise<Uint8Array> {
    const builtin = this.builtins.find((b) => b.id === id);
    if (!builtin) return (await this.#store.exportFile(id)).bytes;
    let pending = this.#cache.get(id);
    if (!pending) {
      pending = this.#fetch(`${this.#base}${builtin.path}`).then(async (res) => {
        if (!res.ok) throw new Error(`could not download ${builtin.path}: HTTP ${res.status}`);
        return new Uint8Array(await res.arrayBuffer());
      });
      this.#cache.set(id, pending);
      pending.catch(() => this.#cache.delete(id));
    }
    // A copy each time: callers transfer their bytes to workers.
    return (await pending).slice();
  }

  /** Validate and store a checkpoint file's bytes (e.g. from the trainer); returns its id. */
  async saveBytes(bytes: Uint8Array, options: { name?: string; id?: string } = {}): Promise<string> {
    const id = await this.#store.save(fromSafetensors(bytes, options.name ?? 'checkpoint'), options);
    await this.refresh();
    return id;
  }

  /**
   * Import an uploaded File: its size and header length are checked before it is read, then as
   * importFile. Throws with the reason; nothing is stored for a bad file.
   */
  async importUpload(file: SizedFile & { name: string; arrayBuffer(): Promise<ArrayBuffer> }): Promise<string> {
    const problem = await checkpointUploadProblem(file);
    if (problem !== null) throw new Error(problem);
    return this.importFile(new Uint8Array(await file.arrayBuffer()), file.name);
  }

  /** Import a user's `.safetensors` file; a bad file throws before anything is stored. */
  async importFile(bytes: Uint8Array, fileName: string): Promise<string> {
    const id = await this.#store.importFile(bytes, fileName);
    await this.refresh();
    return id;
  }

  exportFile(id: string): Promise<{ bytes: Uint8Array<ArrayBuffer>; fileName: string }> {
    return this.#store.exportFile(id);
  }

  async delete(id: string): Promise<void> {
    await this.#store.delete(id);
    await this.refresh();
  }
}
