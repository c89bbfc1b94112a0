import type { Markers } from '../markers/taxonomy';

/**
 * One example as MarkerLab stores it after import and annotation.
 * `prompt` and `completion` are the user's text, verbatim; they are data, never markup.
 */
export interface Row {
  /** Stable id: `<dataset>:<index>` for built-ins, `<file>:<line>` for uploads. */
  id: string;
  prompt: string;
  completion: string;
  /** Category name → value. Numeric values are stored as decimal strings ("0.83", "412"). */
  markers: Markers;
  /** Free-form metadata carried from the source (e.g. `source`, `domain`, `task`, `score`). */
  meta?: Record<string, string>;
}
