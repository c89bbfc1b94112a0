/**
 * Writing defects that make a low `quality` score visible in the text: typos (swapped, dropped or
 * doubled letters), a word written twice, a sentence written twice, a sentence that starts in lower
 * case, a sentence that lost its final punctuation. Each is something a reader (and a test) can spot
 * and count, so quality is learnable from the text rather than a label with no trace in it.
 */
import type { Rng } from '../../util/rng';

/** Scores at or above this are written cleanly; defects grow linearly below it. */
export const CLEAN_QUALITY = 0.9;
/** Lowest score the generator draws; defects are at full strength there. */
export const FLOOR_QUALITY = 0.3;

/**
 * Per-unit (sentence, list item, poem line) probabilities at full severity. Chosen so that the
 * worst rows are clearly sloppy yet still readable and still recognisably in their language.
 */
const RATES = {
  typoPerWord: 0.14,
  repeatWord: 0.3,
  lowercaseStart: 0.4,
  dropPunctuation: 0.35,
  /** Once per completion: one unit written twice in a row. */
  repeatUnit: 0.5,
};

/**
 * How strongly defects show at a quality score: 0 at ≥ CLEAN_QUALITY, rising to 1 at FLOOR_QUALITY.
 *
 * @example
 * defectSeverity(0.95); // 0
 * defectSeverity(0.6);  // 0.5
 */
export function defectSeverity(quality: number): number {
  const s = (CLEAN_QUALITY - quality) / (CLEAN_QUALITY - FLOOR_QUALITY);
  return Math.min(1, Math.max(0, s));
}

const LETTERS_WITH_TAIL = /^(\p{L}+)(\P{L}*)$/u;
const ONLY_LETTERS = /^\p{L}+$/u;
const END_PUNCTUATION = /[.!?,;:…]+$/u;

/**
 * One typo inside a word (its first and last letters stay put, as in most real typos):
 * swap two neighbouring letters, drop one, or double one.
 *
 * @example
 * typo('volcano', createRng(1)); // e.g. 'volacno', 'volano' or 'vollcano'
 */
export function typo(word: string, rng: Rng): string {
  const chars = Array.from(word);
  const n = chars.length;
  if (n < 4) return word;
  const i = 1 + rng.int(n - 2); // 1 … n-2: an inner letter
  const op = rng.int(3);
  if (op === 0 && chars[i] !== chars[i + 1] && i + 1 < n - 1) {
    [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
  } else if (op === 2) {
    chars.splice(i, 0, chars[i]!);
  } else {
    chars.splice(i, 1);
  }
  return chars.join('');
}

function lowerFirstLetter(text: string): string {
  return text.replace(/\p{L}/u, (c) => c.toLocaleLowerCase());
}

function damageUnit(unit: string, severity: number, rng: Rng): string {
  const tokens = unit.split(' ');
  const pTypo = RATES.typoPerWord * severity;
  for (let t = 0; t < tokens.length; t++) {
    if (!rng.chance(pTypo)) continue; // draw first: the regex is the costly part
    const m = LETTERS_WITH_TAIL.exec(tokens[t]!);
    if (m && Array.from(m[1]!).length >= 4) tokens[t] = typo(m[1]!, rng) + m[2]!;
  }
  if (rng.chance(RATES.repeatWord * severity)) {
    const candidates = tokens.map((tok, i) => (ONLY_LETTERS.test(tok) ? i : -1)).filter((i) => i >= 0);
    if (candidates.length > 0) {
      const i = rng.pick(candidates);
      tokens.splice(i + 1, 0, tokens[i]!);
    }
  }
  let out = tokens.join(' ');
  if (rng.chance(RATES.lowercaseStart * severity)) out = lowerFirstLetter(out);
  if (rng.chance(RATES.dropPunctuation * severity)) out = out.replace(END_PUNCTUATION, '');
  return out;
}

/**
 * Apply defects to the content units of one completion (sentences, items, lines).
 * Returns a new array; `severity` 0 returns the units unchanged (and draws nothing from `rng`).
 *
 * @example
 * applyDefects(['The Moon has phases.'], defectSeverity(0.35), rng);
 * // e.g. ['the Moon has has phsaes']
 */
export function applyDefects(
  units: readonly string[],
  severity: number,
  rng: Rng,
  allowRepeatUnit = true,
): string[] {
  if (severity <= 0) return [...units];
  const out = units.map((u) => damageUnit(u, severity, rng));
  if (allowRepeatUnit && out.length > 0 && rng.chance(RATES.repeatUnit * severity)) {
    const j = rng.int(out.length);
    out.splice(j + 1, 0, out[j]!);
  }
  return out;
}
