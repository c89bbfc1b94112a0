/**
 * One Compare column: a checkpoint, a marker setting and a mode, the model read from the
 * checkpoint, its status and the result of its last run (with exactly the setting it ran with).
 *
 * @example
 * const column = new CompareColumn(1, { checkpoint: 'builtin:demo', mode: 'fixed' });
 * column.setMarker('length_bucket', 'long');
 * column.changedSinceRun; // true once a result exists and the setting moved on
 */
import type { PlayedSample } from '../../../workers/player.api';
import type { ViolationResult } from '../eval/violation';
import type { LengthThresholds } from '../markers/annotate-dataset';
import type { Markers } from '../markers/taxonomy';
import type { SteerMode } from '../model/steer';
import { DEFAULT_CHECKPOINT } from './checkpoints.svelte';
import { sameMarkers, type ColumnModel } from './compare-model';

export interface SharedSettings {
  prompt: string;
  seed: number;
  temperature: number;
  n: number;
  maxTokens: number;
}

/** One column's last run, with exactly the setting it ran with (later edits do not relabel it). */
export interface ColumnResult {
  checkpoint: string;
  checkpointName: string;
  markers: Markers;
  mode: SteerMode;
  settings: SharedSettings;
  samples: PlayedSample[];
  lengthThresholds?: LengthThresholds;
  violations: ViolationResult[];
}

export type ColumnStatus = 'idle' | 'queued' | 'loading' | 'sampling' | 'done' | 'stopped' | 'error';

export class CompareColumn {
  readonly key: number;
  checkpoint = $state(DEFAULT_CHECKPOINT);
  /** Category → value; a category left out is for the model to infer. */
  markers = $state.raw<Markers>({});
  mode = $state<SteerMode>('fixed');
  model = $state.raw<ColumnModel | null>(null);
  /** Markers the column's model left out, or kept though it never learned them (markersForModel), in words. */
  markerNotes = $state.raw<string[]>([]);
  /** Why the checkpoint's taxonomy could not be read (shown next to the checkpoint picker). */
  modelError = $state<string | null>(null);
  status = $state<ColumnStatus>('idle');
  /** Why the last run of this column failed. */
  error = $state<string | null>(null);
  result = $state.raw<ColumnResult | null>(null);
  /** While sampling: each sample's answer so far (after its marker block), and tokens received. */
  live = $state.raw<string[]>([]);
  tokens = $state(0);

  constructor(key: number, init: { checkpoint?: string; markers?: Markers; mode?: SteerMode } = {}) {
    this.key = key;
    if (init.checkpoint) this.checkpoint = init.checkpoint;
    if (init.markers) this.markers = init.markers;
    if (init.mode) this.mode = init.mode;
  }

  /** Set (value) or unset (undefined: the model infers it) one category. */
  setMarker(category: string, value: string | undefined): void {
    const next = { ...this.markers };
    if (value === undefined || value === '') delete next[category];
    else next[category] = value;
    this.markers = next;
  }

  /** The setting differs from the one its shown result ran with. */
  get changedSinceRun(): boolean {
    const r = this.result;
    if (!r) return false;
    return r.checkpoint !== this.checkpoint || r.mode !== this.mode || !sameMarkers(r.markers, this.markers);
  }
}

