/**
 * The compute backend a person chose for training (Train and Experiments), per model preset: kept
 * in BackendMemory as the override of the work 'training' for the preset's shape — the same record
 * Play's choice uses for 'inference' — so a reload shows it again, and 'auto' planned for that shape
 * honours it. One instance serves both views: a choice made in one shows in the other.
 *
 * @example
 * const choices = new BackendChoices(new BackendMemory(localStorage), 'training');
 * choices.set('nano', 'wasm');
 * choices.get('nano');  // 'wasm', also after a reload
 * choices.get('tiny');  // 'auto': each preset (shape) has its own
 */
import type { BackendWork } from '../model/backend-rank';
import type { PresetName } from '../model/config';
import type { BackendChoice } from './backend-choice';
import { presetShape, type BackendMemory } from './backend-memory';

export class BackendChoices {
  /** Choices made on this page: they hold even when storage refuses to keep them. */
  #page = $state<Partial<Record<PresetName, BackendChoice>>>({});
  readonly #memory: BackendMemory | null;
  readonly #work: BackendWork;

  /** `memory` null: nothing is remembered past this page. */
  constructor(memory: BackendMemory | null, work: BackendWork = 'training') {
    this.#memory = memory;
    this.#work = work;
  }

  /** The choice for `preset`: made on this page, else remembered on this device, else 'auto'. */
  get(preset: PresetName): BackendChoice {
    return this.#page[preset] ?? this.#memory?.override(this.#work, presetShape(preset)) ?? 'auto';
  }

  /** Choose for `preset` and remember it on this device ('auto' forgets the override). */
  set(preset: PresetName, choice: BackendChoice): void {
    this.#page[preset] = choice;
    this.#memory?.setOverride(this.#work, presetShape(preset), choice);
  }
}
