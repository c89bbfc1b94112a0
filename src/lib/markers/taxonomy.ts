/**
 * The marker taxonomy: which categories exist and which values each may take.
 * It is plain data (JSON-serialisable) that travels with a dataset and, later, a checkpoint,
 * so a model always knows the exact marker vocabulary it was trained with.
 *
 * The 13 built-in categories are the paper's (D'souza et al., NeurIPS 2025, Table 6).
 */

/** Category name → value, e.g. `{ lang: 'French', length_bucket: 'concise' }`. Numbers as decimal strings. */
export type Markers = Record<string, string>;

export interface CategoricalCategory {
  name: string;
  kind: 'categorical';
  /** Allowed values, in display order. Each becomes one atomic token of the tokenizer. */
  values: string[];
  /** Values have a natural order (concise < medium < long; quality 1 … 4): show them in it. */
  ordered?: boolean;
  description: string;
}

export interface NumericCategory {
  name: string;
  kind: 'numeric';
  /** Integer-only (token and sentence counts) or float (quality scores). */
  integer: boolean;
  description: string;
}

export type Category = CategoricalCategory | NumericCategory;

export interface Taxonomy {
  /** Bumped when the shape of this record changes. */
  version: 1;
  /** Name of the block wrapper tag: `MARKER_LIST` (paper) or `TEMPLATE` (talk slides). */
  wrapper: string;
  /** Categories in canonical block order. */
  categories: Category[];
}

export const TAXONOMY_VERSION = 1 as const;
export const DEFAULT_WRAPPER = 'MARKER_LIST';

/** Names usable as tags: a letter or underscore, then letters, digits, underscores (max 40). */
export const TAG_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;

const RESERVED_NAMES = new Set(['prototype']);

export const LANGUAGES = [
  'English', 'French', 'Spanish', 'Italian', 'German', 'Portuguese', 'Japanese', 'Korean',
  'Arabic', 'Chinese', 'Russian', 'Polish', 'Turkish', 'Vietnamese', 'Dutch', 'Czech',
  'Indonesian', 'Ukrainian', 'Romanian', 'Greek', 'Hindi', 'Hebrew', 'Persian',
] as const;

export const TASKS = [
  'OpenEnded', 'Explanation', 'Translation', 'Classification', 'CreativeWriting',
  'QuestionAnswering', 'InformationExtraction', 'Summarization', 'Rewrite', 'Reasoning',
  'CodeGeneration', 'CodeFix', 'CodeTranslation', 'CodeExplanation',
] as const;

export const DOMAINS = [
  'Sciences', 'Technology', 'SocialSciences', 'Culture', 'Medical', 'Legal', 'Finance',
  'Unspecified', 'Conversation', 'Code', 'Math',
] as const;

export const CODE_TYPES = [
  'python', 'javascript', 'cpp', 'cobol', 'java', 'go', 'rust', 'swift', 'csharp', 'php',
  'typescript', 'shell', 'c', 'kotlin', 'ruby', 'haskell', 'sql',
] as const;

export const FORMATS = [
  'MCQAnswer', 'ChainOfThought', 'XML', 'JSON', 'Enumeration', 'Tabular', 'Markdown', 'Latex',
] as const;

export const LENGTH_BUCKETS = ['concise', 'medium', 'long'] as const;
export const QUALITY_BUCKETS = ['1', '2', '3', '4'] as const;

/** The paper's 13 categories, in the order their tags appear in a block. */
export function defaultCategories(): Category[] {
  const cat = (name: string, values: readonly string[], description: string): CategoricalCategory => ({
    name, kind: 'categorical', values: [...values], description,
  });
  const num = (name: string, integer: boolean, description: string): Category => ({
    name, kind: 'numeric', integer, description,
  });
  return [
    cat('domain', DOMAINS, 'Subject area of the completion.'),
    cat('task', TASKS, 'What the prompt asks for.'),
    cat('format', FORMATS, 'Structure of the completion (absent for plain prose).'),
    cat('lang', LANGUAGES, 'Language of the completion.'),
    cat('code_type', CODE_TYPES, 'Programming language of code in the completion.'),
    cat('source', ['Human', 'Translation', 'Synthetic', 'Others'], 'Where the example came from.'),
    cat('style', ['Formal', 'Informal', 'Custom'], 'Register of the completion.'),
    { ...cat('length_bucket', LENGTH_BUCKETS, 'Length class of the completion (thresholds per dataset).'), ordered: true },
    num('length_tokens', true, 'Completion length in tokenizer tokens (characters here).'),
    num('length_sentences', true, 'Number of sentences in the completion.'),
    num('length_paragraphs', true, 'Number of paragraphs (split on blank lines).'),
    { ...cat('quality_bucket', QUALITY_BUCKETS, 'Quality quartile within its language: 1 best, 4 worst.'), ordered: true },
    num('quality', false, 'Quality score, higher is better.'),
  ];
}

/**
 * The paper's taxonomy with the default wrapper, or another valid one (see {@link wrapperProblem}).
 * Throws TaxonomyError for a wrapper that could be mistaken for a category, value or special token.
 */
export function defaultTaxonomy(wrapper: string = DEFAULT_WRAPPER): Taxonomy {
  const categories = defaultCategories();
  const problem = wrapperProblem(wrapper, categories);
  if (problem !== null) throw new TaxonomyError(`wrapper ${problem}`);
  return { version: TAXONOMY_VERSION, wrapper, categories };
}

/** Names of the tokenizer's special tokens (template-format's SPECIAL_NAMES; kept here to avoid an import cycle). */
const SPECIAL_TOKEN_NAMES = ['PAD', 'BOS', 'EOS', 'SEP'];

/**
 * Why `wrapper` cannot name the marker block (a clause starting with the quoted name), or null when it can. The block tag must be a tag name
 * and must not be confusable with anything else in a block: a category (`--wrapper lang` would nest
 * `<lang>` in `<lang>` and lose the value on reading back), a value of a categorical category, a
 * special token (`PAD`, `BOS`, `EOS`, `SEP`) or a name plain objects already have (`constructor`).
 * Compared ignoring case, so `LANG` is refused as well.
 *
 * @example
 * wrapperProblem('TEMPLATE', defaultCategories()) // → null
 * wrapperProblem('lang', defaultCategories())     // → '"lang" is the name of a category (<lang>); …'
 */
export function wrapperProblem(wrapper: string, categories: readonly Category[]): string | null {
  if (typeof wrapper !== 'string' || !TAG_NAME.test(wrapper)) {
    return `"${String(wrapper)}" is not a valid tag name (letters, digits or _, max 40, starting with a letter or _)`;
  }
  const key = wrapper.toLowerCase();
  const choose = 'choose another name, e.g. MARKER_LIST or TEMPLATE';
  const category = categories.find((c) => c.name.toLowerCase() === key);
  if (category) return `"${wrapper}" is the name of a category (<${category.name}>); ${choose}`;
  for (const c of categories) {
    const value = c.kind === 'categorical' ? c.values.find((v) => v.toLowerCase() === key) : undefined;
    if (value !== undefined) return `"${wrapper}" is a value of <${c.name}> ("${value}"); ${choose}`;
  }
  if (SPECIAL_TOKEN_NAMES.some((n) => n.toLowerCase() === key)) return `"${wrapper}" is the name of a special token; ${choose}`;
  if (isReservedName(wrapper)) return `"${wrapper}" is a reserved name; ${choose}`;
  return null;
}

export class TaxonomyError extends Error {
  override name = 'TaxonomyError';
}

/** Look a category up by name. */
export function getCategory(taxonomy: Taxonomy, name: string): Category | undefined {
  return taxonomy.categories.find((c) => c.name === name);
}

/**
 * Add a user category (e.g. `persona`) or, if it exists and is categorical, extra values.
 * Returns a new taxonomy; the input is untouched.
 *
 * @example
 * addCategory(defaultTaxonomy(), { name: 'persona', kind: 'categorical', values: ['pirate'], description: '' })
 */
export function addCategory(taxonomy: Taxonomy, category: Category): Taxonomy {
  validateCategory(category);
  const existing = getCategory(taxonomy, category.name);
  if (!existing) {
    if (category.name.toLowerCase() === taxonomy.wrapper.toLowerCase()) {
      throw new TaxonomyError(`category "${category.name}" has the name of the marker block <${taxonomy.wrapper}>`);
    }
    return { ...taxonomy, categories: [...taxonomy.categories, cloneCategory(category)] };
  }
  if (existing.kind !== category.kind) {
    throw new TaxonomyError(
      `category "${category.name}" is already ${existing.kind}; cannot redefine it as ${category.kind}`,
    );
  }
  if (existing.kind === 'categorical' && category.kind === 'categorical') {
    return addValues(taxonomy, category.name, category.values);
  }
  return taxonomy;
}

/** Add values to a categorical category (duplicates ignored). Returns a new taxonomy. */
export function addValues(taxonomy: Taxonomy, name: string, values: readonly string[]): Taxonomy {
  const existing = getCategory(taxonomy, name);
  if (!existing) throw new TaxonomyError(`unknown category "${name}"`);
  if (existing.kind !== 'categorical') {
    throw new TaxonomyError(`category "${name}" is numeric; it has no list of values`);
  }
  for (const v of values) validateValue(name, v);
  const merged = [...existing.values];
  for (const v of values) if (!merged.includes(v)) merged.push(v);
  return {
    ...taxonomy,
    categories: taxonomy.categories.map((c) => (c.name === name ? { ...existing, values: merged } : c)),
  };
}

/** Check that a value fits its category. Returns null when valid, else a reason in words. */
export function checkValue(category: Category, value: string): string | null {
  if (category.kind === 'categorical') {
    return category.values.includes(value)
      ? null
      : `"${value}" is not a value of <${category.name}> (expected one of: ${category.values.join(', ')})`;
  }
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    return `<${category.name}> expects a number, got "${value}"`;
  }
  if (category.integer && !Number.isInteger(n)) {
    return `<${category.name}> expects a whole number, got "${value}"`;
  }
  return null;
}

/** Validate a whole taxonomy (e.g. one loaded from a file). Throws TaxonomyError with the reason. */
export function validateTaxonomy(value: unknown): Taxonomy {
  if (typeof value !== 'object' || value === null) throw new TaxonomyError('taxonomy must be an object');
  const t = value as Partial<Taxonomy>;
  if (t.version !== TAXONOMY_VERSION) {
    throw new TaxonomyError(`taxonomy version ${String(t.version)} is not supported (expected ${TAXONOMY_VERSION})`);
  }
  if (typeof t.wrapper !== 'string' || !TAG_NAME.test(t.wrapper)) {
    throw new TaxonomyError(`wrapper "${String(t.wrapper)}" is not a valid tag name`);
  }
  if (!Array.isArray(t.categories)) throw new TaxonomyError('taxonomy.categories must be an array');
  const seen = new Set<string>();
  for (const c of t.categories) {
    validateCategory(c as Category);
    if (seen.has(c.name)) throw new TaxonomyError(`category "${c.name}" appears twice`);
    if (c.name === t.wrapper) throw new TaxonomyError(`category "${c.name}" has the wrapper's name`);
    seen.add(c.name);
  }
  const problem = wrapperProblem(t.wrapper, t.categories);
  if (problem !== null) throw new TaxonomyError(`wrapper ${problem}`);
  return { version: TAXONOMY_VERSION, wrapper: t.wrapper, categories: t.categories.map(cloneCategory) };
}

/**
 * Whether `name` cannot name a category although it is a tag name: markers are plain objects keyed
 * by category name, so `markers.constructor` must never be a function.
 *
 * @example
 * isReservedName('constructor') // → true
 * isReservedName('persona')     // → false
 */
export function isReservedName(name: string): boolean {
  return name in Object.prototype || RESERVED_NAMES.has(name);
}

function validateCategory(c: Category): void {
  if (typeof c !== 'object' || c === null) throw new TaxonomyError('category must be an object');
  if (typeof c.name !== 'string' || !TAG_NAME.test(c.name)) {
    throw new TaxonomyError(`category name "${String(c.name)}" must be letters, digits or _ (max 40), starting with a letter`);
  }
  if (isReservedName(c.name)) {
    throw new TaxonomyError(`category name "${c.name}" is reserved`);
  }
  if (c.kind === 'categorical') {
    if (!Array.isArray(c.values) || c.values.length === 0) {
      throw new TaxonomyError(`categorical category "${c.name}" needs at least one value`);
    }
    if (c.ordered !== undefined && typeof c.ordered !== 'boolean') {
      throw new TaxonomyError(`category "${c.name}": ordered must be true or false`);
    }
    const seen = new Set<string>();
    for (const v of c.values) {
      validateValue(c.name, v);
      if (seen.has(v)) throw new TaxonomyError(`value "${v}" appears twice in "${c.name}"`);
      seen.add(v);
    }
  } else if (c.kind === 'numeric') {
    if (typeof c.integer !== 'boolean') throw new TaxonomyError(`numeric category "${c.name}" needs integer: true|false`);
  } else {
    throw new TaxonomyError(`category "${String((c as Category).name)}" has unknown kind "${String((c as Category).kind)}"`);
  }
}

function validateValue(name: string, v: unknown): void {
  if (typeof v !== 'string' || v.length === 0 || v.length > 60 || /[<>\n\r]/.test(v) || v.trim() !== v) {
    throw new TaxonomyError(
      `value ${JSON.stringify(v)} of "${name}" must be 1–60 characters without <, > or line breaks, and no outer spaces`,
    );
  }
}

function cloneCategory(c: Category): Category {
  return c.kind === 'categorical' ? { ...c, values: [...c.values] } : { ...c };
}

/** The categories a run writes into its blocks: the chosen ones, or by default every categorical one. */
export function blockCategories(taxonomy: Taxonomy, categories?: readonly string[] | null): string[] {
  return categories ? [...categories] : taxonomy.categories.filter((c) => c.kind === 'categorical').map((c) => c.name);
}

/**
 * A row's markers restricted to the categories a run writes into its blocks (see blockCategories):
 * what training, the dropout preview and evaluation all see.
 *
 * @example
 * markersInBlocks({ lang: 'French', length_tokens: '40' }, taxonomy); // { lang: 'French' }
 */
export function markersInBlocks(markers: Markers, taxonomy: Taxonomy, categories?: readonly string[] | null): Markers {
  const allowed = new Set(blockCategories(taxonomy, categories));
  const out: Markers = {};
  for (const [k, v] of Object.entries(markers)) if (allowed.has(k)) out[k] = v;
  return out;
}

/**
 * The longest well-formed block: wrapper, then per category its tags and a value (numbers up to 8
 * digits). Give the categories the model was trained with: decoding reserves this much room in the
 * context, and a block of every taxonomy category would crowd out the prompt of a model that
 * writes three.
 *
 * @example
 * maxBlockTokens(taxonomy, ['lang', 'length_bucket']); // 8
 */
export function maxBlockTokens(taxonomy: Taxonomy, categories?: readonly string[]): number {
  const only = categories ? new Set(categories) : undefined;
  return taxonomy.categories.filter((c) => !only || only.has(c.name)).reduce((n, c) => n + (c.kind === 'categorical' ? 3 : 10), 2);
}
