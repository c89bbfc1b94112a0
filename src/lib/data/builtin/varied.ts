/**
 * The built-in `varied` dataset (the default teaching set until the learnable one replaced it; see
 * teaching.ts): thousands of readable prompt/completion rows, generated from a seed
 * out of hand-written word banks, whose completions differ *measurably* by marker — language,
 * domain, task, format, length bucket, style and quality all leave traces in the text — with the
 * long tails the method is about (Italian ≈ 2% of rows, Legal ≈ 2%, tables ≈ 3%).
 *
 * Every row depends only on (seed, index), so any slice can be regenerated on its own, and the whole
 * dataset is identical across Node, the browser and a worker.
 *
 * Its text is rich (≈ 7,000 distinct sentences, answers of 200–600 characters, most rows longer than
 * a 256-token context): a set for GPU-scale experiments, more than a browser-sized model learns in minutes.
 */
import type { Row } from '../types';
import { createRng, deriveSeed, type Rng } from '../../util/rng';
import { applyDefects, defectSeverity, FLOOR_QUALITY } from './varied-defects';
import { DE } from './varied-lexicon-de';
import { EN } from './varied-lexicon-en';
import { ES } from './varied-lexicon-es';
import { FR } from './varied-lexicon-fr';
import { IT } from './varied-lexicon-it';
import { fitUnits, inLengthRange, type Render } from './varied-render';
import { draftRow, KINDS, type Kind, type Style } from './varied-tasks';
import type { LanguagePack, LengthBucket, VariedDomain, VariedLang, Topic } from './varied-types';

export const VARIED_PACKS: Readonly<Record<VariedLang, LanguagePack>> = {
  English: EN, French: FR, Spanish: ES, German: DE, Italian: IT,
};

/** Long-tailed on purpose: one head language, one language at ~2% to target at inference. */
export const VARIED_LANG_WEIGHTS: Readonly<Record<VariedLang, number>> = {
  English: 0.62, French: 0.2, Spanish: 0.11, German: 0.05, Italian: 0.02,
};

/** Three common domains and two rare ones (< 5%), like the paper's tail domains. */
export const VARIED_DOMAIN_WEIGHTS: Readonly<Record<VariedDomain, number>> = {
  Sciences: 0.34, Technology: 0.3, Culture: 0.3, Medical: 0.04, Legal: 0.02,
};

/** Share of styled rows (questions, explanations, lists) written informally. */
const INFORMAL_RATE = 0.35;
/** Best score drawn; quality is skewed high, so most rows are clean and defects are a tail. */
const TOP_QUALITY = 0.99;
/** Attempts at drawing defects that keep the text inside its length bucket. */
const DEFECT_ATTEMPTS = 4;

export interface VariedOptions {
  /** Same seed → identical rows. Default 1. */
  seed?: number;
  /** Number of rows. Default 6000. */
  rows?: number;
  /**
   * Write low-quality rows with their defects (default). `false` gives the same rows written
   * cleanly — same topics, units and markers — which is what tests compare against.
   */
  defects?: boolean;
}

const LANGS = Object.keys(VARIED_LANG_WEIGHTS) as VariedLang[];
const LANG_W = LANGS.map((l) => VARIED_LANG_WEIGHTS[l]);
const DOMAINS = Object.keys(VARIED_DOMAIN_WEIGHTS) as VariedDomain[];
const DOMAIN_W = DOMAINS.map((d) => VARIED_DOMAIN_WEIGHTS[d]);
const KIND_NAMES = Object.keys(KINDS) as Kind[];
const KIND_W = KIND_NAMES.map((k) => KINDS[k].weight);

/** Topics per language and domain, built once. Every pack covers every domain (a test checks). */
const TOPICS_BY_DOMAIN = new Map<VariedLang, Map<VariedDomain, Topic[]>>(
  LANGS.map((lang) => {
    const byDomain = new Map<VariedDomain, Topic[]>();
    for (const t of VARIED_PACKS[lang].topics) byDomain.set(t.domain, [...(byDomain.get(t.domain) ?? []), t]);
    return [lang, byDomain];
  }),
);

/**
 * Generate the varied dataset. Deterministic: the same options give identical rows.
 * Markers set here: domain, task, format (not for prose), lang, source, style (where the text shows a
 * register), length_bucket (the bucket the text was fitted to) and quality. Length counts and
 * quality_bucket are left to the annotation pipeline.
 *
 * @example
 * const rows = generateVariedDataset({ seed: 1, rows: 6000 });
 * rows[0].id;                       // "varied:0"
 * rows[0].markers.length_bucket;    // "concise" | "medium" | "long"
 */
export function generateVariedDataset(options: VariedOptions = {}): Row[] {
  const { seed = 1, rows = 6000, defects = true } = options;
  const out: Row[] = new Array<Row>(rows);
  for (let i = 0; i < rows; i++) out[i] = variedRow(i, seed, defects);
  return out;
}

/**
 * One row of the varied dataset, by index; equal to `generateVariedDataset({ seed })[index]`.
 *
 * @example
 * variedRow(41, 1).id; // "varied:41"
 */
export function variedRow(index: number, seed = 1, defects = true): Row {
  // The seed label is still 'teaching', the set's name until it was renamed, so its rows stay as measured in the README.
  const rng = createRng(deriveSeed(seed, 'teaching', index));
  const lang = rng.weighted(LANGS, LANG_W);
  const pack = VARIED_PACKS[lang];
  const domain = rng.weighted(DOMAINS, DOMAIN_W);
  const topic = rng.pick(TOPICS_BY_DOMAIN.get(lang)?.get(domain) ?? pack.topics);
  let kind = rng.weighted(KIND_NAMES, KIND_W);
  const spec = KINDS[kind];
  const bucket = rng.weighted(spec.buckets.map((b) => b[0]), spec.buckets.map((b) => b[1]));
  let style: Style | undefined = spec.styled ? (rng.chance(INFORMAL_RATE) ? 'Informal' : 'Formal') : undefined;
  const quality = drawQuality(rng);

  let draft = draftRow(kind, { pack, topic, bucket, style, rng });
  let units = fitUnits(draft.candidates, draft.render, bucket, rng, draft.greedy);
  if (!units && style === 'Informal') {
    // An opener can push a one-sentence answer over the concise limit: write it formally instead.
    style = 'Formal';
    draft = draftRow(kind, { pack, topic, bucket, style, rng });
    units = fitUnits(draft.candidates, draft.render, bucket, rng, draft.greedy);
  }
  if (!units) {
    // Only when a bank entry is too short or long for this kind; plain answers always fit (tested).
    kind = 'qa';
    style = 'Formal';
    draft = draftRow(kind, { pack, topic, bucket, style, rng });
    units = fitUnits(draft.candidates, draft.render, bucket, rng, draft.greedy);
  }
  if (!units) throw new Error(`varied bank cannot fill a ${bucket} answer for ${lang}/${topic.id}`);

  const completion = defects
    ? writeWithDefects(units, draft.render, bucket, quality, createRng(deriveSeed(seed, 'defects', index)))
    : draft.render(units);

  const { task, format } = KINDS[kind];
  const markers: Record<string, string> = { domain, task };
  if (format) markers.format = format;
  markers.lang = lang;
  markers.source = 'Synthetic';
  if (style) markers.style = style;
  markers.length_bucket = bucket;
  markers.quality = quality.toFixed(2);
  return { id: `varied:${index}`, prompt: draft.prompt, completion, markers };
}

/** Quality in [FLOOR_QUALITY, TOP_QUALITY], skewed high: about a third of rows score ≥ 0.9. */
function drawQuality(rng: Rng): number {
  const r = rng.next();
  const q = FLOOR_QUALITY + (TOP_QUALITY - FLOOR_QUALITY) * (1 - r * r);
  return Math.round(q * 100) / 100;
}

/**
 * Render with defects drawn for this quality, keeping the result in its length bucket: a repeated
 * sentence may not push a concise answer past the limit. Falls back to the clean text, which the
 * fitter already placed in the bucket.
 */
function writeWithDefects(
  units: readonly string[],
  render: Render,
  bucket: LengthBucket,
  quality: number,
  rng: Rng,
): string {
  const severity = defectSeverity(quality);
  for (let attempt = 0; attempt < DEFECT_ATTEMPTS; attempt++) {
    const text = render(applyDefects(units, severity, rng, attempt < DEFECT_ATTEMPTS / 2));
    if (inLengthRange(text, bucket)) return text;
  }
  return render(units);
}
