/**
 * Structure of a completion (the `format` marker). Plain prose has no format: undefined.
 *
 * Precedence, first match wins (a text often shows several):
 *  1. JSON   — an object or array that JSON.parse accepts, being the whole text, a ```json (or untagged)
 *              fence, or a {…}/[…] span, covering at least half of the text's non-space characters.
 *  2. XML    — the same for one well-formed XML element (```xml/html/svg fence or bare).
 *  3. Tabular — a Markdown table (header, |---| rule, a row) or ≥ 3 lines with the same tab count.
 *  4. ChainOfThought — two numbered steps ("Step 1", "Étape 2", "步骤1"), "step by step", or two
 *              sequence words (First, Then, Next, Finally) plus a conclusion (Therefore, Thus, Donc…).
 *  5. MCQAnswer — an option letter A–E: "Answer: B", "The correct answer is (C).", or a text that
 *              starts with "(D)" or is only a letter.
 *  6. Latex  — \begin{…}, $$…$$, \[…\], \(…\), a TeX command such as \frac or \sqrt, or inline $…$ math
 *              (not money: "$5 and $10" is prose).
 *  7. Markdown — headings (# Title) or fenced code.
 *  8. Enumeration — two or more list lines (-, *, +, •, 1., 1), a)).
 * Reasoning steps outrank the answer letter they end with; whole-document structure (JSON, XML, a
 * table) outranks what is inside it; a list under Markdown headings is Markdown.
 */
import type { FORMATS } from './taxonomy';
import { findFences } from './measure-fence';
import { isWellFormedXml } from './measure-xml';
import { classifiable } from './measure-limits';

type Format = (typeof FORMATS)[number];

/** A structured block must hold at least this share of the text's non-space characters. */
const DOMINANT_SHARE = 0.5;

/**
 * The format of a completion, or undefined for plain prose. See the module comment for precedence.
 *
 * @example
 * detectFormat('{"city": "Lyon", "population": 522969}') // → 'JSON'
 * detectFormat('- flour\n- eggs\n- milk')                  // → 'Enumeration'
 * detectFormat('It rained all night.')                     // → undefined
 */
export function detectFormat(text: string): Format | undefined {
  // JSON and XML are checked on the whole text (JSON.parse and the XML scan are linear); the
  // patterns below see at most the per-row cap, so no text costs more than CLASSIFY_MAX_CHARS.
  const candidates = structuredCandidates(text);
  if (candidates.some((c) => c.kind !== 'xml' && isJsonDocument(c.body))) return 'JSON';
  if (candidates.some((c) => c.kind !== 'json' && isWellFormedXml(c.body))) return 'XML';
  text = classifiable(text);
  if (hasTable(text)) return 'Tabular';
  if (isChainOfThought(text)) return 'ChainOfThought';
  if (isMcqAnswer(text)) return 'MCQAnswer';
  if (hasLatex(text)) return 'Latex';
  if (findFences(text).length > 0 || /^ {0,3}#{1,6}\s+\S/m.test(text)) return 'Markdown';
  if (countListLines(text) >= 2) return 'Enumeration';
  return undefined;
}

interface Candidate {
  kind: 'json' | 'xml' | 'any';
  body: string;
}

/** Blocks that, if they parse, make the whole text JSON or XML: each covers most of the text. */
function structuredCandidates(text: string): Candidate[] {
  const total = nonSpace(text);
  if (total === 0) return [];
  const dominant = (body: string): boolean => nonSpace(body) >= DOMINANT_SHARE * total;
  const out: Candidate[] = [{ kind: 'any', body: text.trim() }];
  for (const f of findFences(text)) {
    const kind = f.info === 'json' || f.info === 'jsonc' ? 'json'
      : ['xml', 'html', 'xhtml', 'svg'].includes(f.info) ? 'xml'
      : f.info === '' ? 'any' : undefined;
    if (kind && dominant(f.content)) out.push({ kind, body: f.content.trim() });
  }
  const json = span(text, /[{[]/, /[}\]]/);
  if (json && dominant(json)) out.push({ kind: 'json', body: json });
  const xml = span(text, /<[A-Za-z?!]/, />/);
  if (xml && dominant(xml)) out.push({ kind: 'xml', body: xml });
  return out;
}

function isJsonDocument(body: string): boolean {
  if (!/^[{[]/.test(body)) return false;
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

/** From the first match of `open` to the last match of `close`, inclusive. */
function span(text: string, open: RegExp, close: RegExp): string | undefined {
  const start = text.search(open);
  if (start < 0) return undefined;
  let end = -1;
  for (let i = text.length - 1; i > start; i--) {
    if (close.test(text[i]!)) {
      end = i;
      break;
    }
  }
  return end < 0 ? undefined : text.slice(start, end + 1);
}

/** Tested on the trimmed line: `^\s*\|?\s*` would try every split of leading spaces (quadratic). */
const TABLE_RULE = /^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?$/;

function hasTable(text: string): boolean {
  const lines = text.split(/\r?\n/);
  for (let i = 1; i + 1 < lines.length; i++) {
    const header = lines[i - 1]!;
    const row = lines[i + 1]!;
    if (TABLE_RULE.test(lines[i]!.trim()) && header.includes('|') && row.includes('|')) return true;
  }
  const tabbed = lines.map((l) => (l.match(/\t/g) ?? []).length);
  for (let i = 2; i < tabbed.length; i++) {
    const n = tabbed[i]!;
    if (n > 0 && tabbed[i - 1] === n && tabbed[i - 2] === n) return true;
  }
  return false;
}

// After a line start only spaces within that line are skipped (`\n\s*` would rescan every following
// blank line from each newline: quadratic on a text of newlines).
const STEP = /(?:^|\n)[^\S\n]*(?:[#*_]+[^\S\n]*)?(?:Step|Étape|Etape|Paso|Passo|Schritt|Stap|Krok|Adım|Bước|Langkah|Pasul|Шаг|Крок|Βήμα|ステップ|步骤|步驟|단계)\s*\d+/giu;
const STEP_CJK = /第[一二三四五六七八九十\d]+步/gu;
const STEP_BY_STEP = /step[- ]by[- ]step|étape par étape|paso a paso|passo dopo passo|passo a passo|schritt für schritt|krok po kroku|шаг за шагом|一步一步|ステップバイステップ/iu;
const SEQUENCE = /(?:^|[.!?]\s+|\n[^\S\n]*)(?:First(?:ly)?|Second(?:ly)?|Then|Next|Finally|Lastly|D'abord|Ensuite|Enfin|Primero|Luego|Después|Finalmente|Zuerst|Dann|Danach|Schließlich)\b/gu;
const CONCLUSION = /(?:^|[.!?]\s+|\n[^\S\n]*|,\s*)(?:Therefore|Thus|Hence|So the answer|Donc|Par conséquent|Por lo tanto|Por tanto|Quindi|Pertanto|Daher|Deshalb|Portanto|Dlatego|Dus|Поэтому|Следовательно|Тому|因此|所以|したがって|따라서)\b/u;

function isChainOfThought(text: string): boolean {
  const steps = (text.match(STEP) ?? []).length + (text.match(STEP_CJK) ?? []).length;
  if (steps >= 2 || STEP_BY_STEP.test(text)) return true;
  return (text.match(SEQUENCE) ?? []).length >= 2 && CONCLUSION.test(text);
}

/** "Answer: B" / "Réponse : C" — any continuation may follow the letter. */
const ANSWER_LABEL = /(?:^|[^\p{L}])(?:[Aa]nswer|ANSWER|[Rr]éponse|[Rr]espuesta|[Rr]isposta|[Aa]ntwort|[Rr]esposta|[Oo]dpowiedź|[Cc]evap|[Aa]ntwoord|[Оо]твет|[Вв]ідповідь|答案|答え|정답)\s*[:：]\s*\(?([A-E])\)?(?![\p{L}\p{N}])/u;
/** "The answer is (B)." — the letter must end the clause, so "the answer is A lot" is not one. */
const ANSWER_IS = /\b(?:answer|option|choice)\s+is\s+\(?([A-E])\)?\s*(?:$|[.,;:!)\n])/u;
const LEADING_OPTION = /^\s*(?:\(([A-E])\)|([A-E])[.)])(?:\s|$)/;

function isMcqAnswer(text: string): boolean {
  if (/^\(?[A-E]\)?\s*\.?$/.test(text.trim())) return true;
  return ANSWER_LABEL.test(text) || ANSWER_IS.test(text) || LEADING_OPTION.test(text);
}

const TEX_COMMAND = /\\(?:frac|dfrac|tfrac|sqrt|sum|prod|int|oint|lim|infty|partial|nabla|alpha|beta|gamma|delta|epsilon|theta|lambda|sigma|omega|pi|cdot|times|div|leq|geq|neq|approx|equiv|pm|mathbb|mathbf|mathrm|mathcal|operatorname|binom|vec|hat|overline|left|right|log|ln|sin|cos|tan)(?![A-Za-z])/;
const DISPLAY_MATH = /\\begin\{[A-Za-z*]+\}|\$\$[^$]+\$\$|\\\[[\s\S]{1,2000}?\\\]|\\\([\s\S]{1,2000}?\\\)/;
/** $…$ with no space inside the dollars and no digit after, holding math (an operator or one letter). */
const INLINE_MATH = /(?<![\\$\w])\$(?!\s)([^$\n]{1,200}?)(?<!\s)\$(?!\d)/g;

function hasLatex(text: string): boolean {
  if (DISPLAY_MATH.test(text) || TEX_COMMAND.test(text)) return true;
  for (const m of text.matchAll(INLINE_MATH)) {
    const body = m[1]!;
    if (/[\\^_=+*/<>]/.test(body) || /^[A-Za-z]$/.test(body)) return true;
  }
  return false;
}

const LIST_LINE = /^\s*(?:[-*+•▪‣◦]|\d{1,3}[.)]|[a-z][.)]|\(\d{1,3}\))\s+\S/;

function countListLines(text: string): number {
  let n = 0;
  for (const line of text.split(/\r?\n/)) if (LIST_LINE.test(line)) n++;
  return n;
}

function nonSpace(text: string): number {
  return text.replace(/\s+/g, '').length;
}
