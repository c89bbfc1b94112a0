/**
 * Programming language of code in a completion (the `code_type` marker): the fence's info string when
 * it names one, else telltale syntax in the code. Plain prose yields undefined.
 */
import type { CODE_TYPES } from './taxonomy';
import { findFences } from './measure-fence';
import { classifiable } from './measure-limits';

type CodeType = (typeof CODE_TYPES)[number];

/** Fence info words (lower case) → code type. Unknown words fall through to the heuristics. */
const FENCE_ALIASES: ReadonlyMap<string, CodeType> = new Map(Object.entries<CodeType>({
  python: 'python', py: 'python', python3: 'python', py3: 'python', ipython: 'python', pycon: 'python',
  javascript: 'javascript', js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript', node: 'javascript',
  typescript: 'typescript', ts: 'typescript', tsx: 'typescript', mts: 'typescript',
  cpp: 'cpp', 'c++': 'cpp', cc: 'cpp', cxx: 'cpp', hpp: 'cpp', hxx: 'cpp',
  c: 'c', h: 'c',
  java: 'java',
  go: 'go', golang: 'go',
  rust: 'rust', rs: 'rust',
  swift: 'swift',
  csharp: 'csharp', cs: 'csharp', 'c#': 'csharp',
  php: 'php',
  sh: 'shell', bash: 'shell', shell: 'shell', zsh: 'shell', ksh: 'shell', console: 'shell', shellsession: 'shell',
  kotlin: 'kotlin', kt: 'kotlin', kts: 'kotlin',
  ruby: 'ruby', rb: 'ruby',
  haskell: 'haskell', hs: 'haskell',
  sql: 'sql', mysql: 'sql', postgresql: 'sql', postgres: 'sql', psql: 'sql', plsql: 'sql', sqlite: 'sql', tsql: 'sql',
  cobol: 'cobol', cbl: 'cobol', cob: 'cobol',
}));

type Signal = readonly [RegExp, number];

/**
 * Syntax that gives a language away, with weights: 4–6 alone identify it, 1–2 only add up.
 * Each pattern counts once however often it matches.
 *
 * Written to stay linear on hostile text: a line start skips only spaces of its own line
 * (`^[^\S\n]*`, not `^\s*`, which rescans every following blank line from each newline), and what
 * may run between two landmarks is bounded (`[^)]{0,300}`, `.{0,200}`), so a run of "function(" or
 * "SELECT" without its closing part costs a bounded scan per occurrence, not one to the end of the text.
 */
const SIGNALS: Readonly<Record<CodeType, readonly Signal[]>> = {
  python: [
    [/^[^\S\n]*def \w+\s*\(.*\)\s*(?:->\s*[^:\n]+)?:\s*$/m, 4], [/^[^\S\n]*class \w+(?:\(.*\))?:\s*$/m, 4],
    [/^[^\S\n]*(?:from [\w.]+ import [\w*]|import [a-z_][\w.]*(?: as \w+)?\s*$)/m, 3],
    [/__name__\s*==\s*['"]__main__['"]/, 4], [/^[^\S\n]*elif\b.*:\s*$/m, 3], [/\bprint\(/, 1], [/\bself\.\w+/, 1],
    [/^[^\S\n]*(?:if|for|while|with|try)\b.*:\s*$/m, 1],
  ],
  javascript: [
    [/\bconsole\.log\(/, 3], [/\bfunction\s*\w*\s*\([^)]{0,300}\)\s*\{/, 2], [/\b(?:const|let|var)\s+\w+\s*=/, 1],
    [/=>\s*[{(\w]/, 1], [/\brequire\(\s*['"]/, 3], [/\b(?:document|window)\.\w+/, 3],
    [/\bmodule\.exports\b|^[^\S\n]*export\s+(?:default|const|function|class)\b/m, 2], [/===|!==/, 1],
  ],
  typescript: [
    [/[\w)]\s*:\s*(?:string|number|boolean|void|unknown|never)\b/, 3], [/^[^\S\n]*(?:export\s+)?interface\s+\w+\s*\{/m, 2],
    [/^[^\S\n]*(?:export\s+)?type\s+\w+(?:<[^>]{0,100}>)?\s*=/m, 2], [/\bas\s+const\b/, 3],
  ],
  cpp: [
    [/#include\s*<(?:iostream|vector|string|map|unordered_map|algorithm|memory|bits\/stdc\+\+\.h)>/, 5],
    [/\bstd::/, 4], [/\bcout\s*<</, 4], [/\busing\s+namespace\s+std\b/, 5], [/\btemplate\s*</, 3], [/\bnullptr\b/, 3],
  ],
  c: [
    [/#include\s*<(?:stdio|stdlib|string|math|stdbool|stdint|unistd)\.h>/, 5], [/\bprintf\s*\(/, 2],
    [/\b(?:malloc|calloc|free)\s*\(/, 2], [/\bint\s+main\s*\(/, 2], [/\bscanf\s*\(/, 2],
  ],
  java: [
    [/\bpublic\s+static\s+void\s+main\s*\(\s*String/, 6], [/\bSystem\.out\.print/, 5], [/^[^\S\n]*import\s+java\./m, 5],
    [/^[^\S\n]*package\s+[\w.]+;/m, 3], [/\bpublic\s+(?:final\s+|abstract\s+)?class\s+\w+/, 2], [/@Override\b/, 2],
    [/\b(?:ArrayList|HashMap|List|Map)<[\w<>, ]{1,100}>\s+\w+\s*=/, 2],
  ],
  csharp: [
    [/^[^\S\n]*using\s+System(?:\.[\w.]+)?;/m, 5], [/\bConsole\.Write(?:Line)?\(/, 5], [/\bstatic\s+(?:async\s+)?\w+\s+Main\s*\(/, 4],
    [/\{\s*get;\s*(?:set;\s*)?\}/, 4], [/^[^\S\n]*namespace\s+[\w.]+\s*[;{]?\s*$/m, 2], [/\bpublic\s+(?:sealed\s+)?class\s+\w+/, 1],
  ],
  go: [
    [/^[^\S\n]*package\s+\w+\s*$/m, 3], [/\bfmt\.\w+\(/, 5], [/\berr\s*!=\s*nil\b/, 5], [/:=/, 2],
    [/^[^\S\n]*func\s+(?:\([^)]{0,300}\)\s*)?\w+\s*\([^)]{0,300}\)\s*[\w*[\]().,\s]{0,200}\{/m, 3], [/^[^\S\n]*import\s*(?:\(\s*$|"[\w/.]+")/m, 3],
  ],
  rust: [
    [/\blet\s+mut\b/, 4], [/\b(?:println|format|vec|panic)!\s*[([]/, 5], [/^[^\S\n]*use\s+(?:std|crate)::/m, 5],
    [/\bfn\s+\w+\s*(?:<[^>]{0,100}>)?\s*\(/, 3], [/^[^\S\n]*(?:pub\s+)?impl\b/m, 3], [/\bpub\s+(?:fn|struct|enum)\b/, 3],
    [/&(?:mut\s|str\b)/, 2], [/->\s*(?:Self|Result<|Option<|i32|i64|u32|u64|usize|f64|String|bool)\b/, 2],
  ],
  swift: [
    [/^[^\S\n]*import\s+(?:Foundation|SwiftUI|UIKit)\s*$/m, 6], [/\bfunc\s+\w+\s*\([^)]{0,300}\)\s*->\s*\w+/, 3],
    [/\bguard\s+let\b/, 4], [/\bprint\("[^"\n]*\\\(/, 4], [/@State\b|\bsome\s+View\b/, 5],
    [/\b(?:let|var)\s+\w+\s*:\s*[A-Z]\w*\??\s*=/, 2], [/^[^\S\n]*func\s+\w+\s*\(/m, 1],
  ],
  kotlin: [
    [/\bfun\s+main\s*\(/, 5], [/\bfun\s+\w+\s*\(/, 3], [/\bdata\s+class\b/, 4], [/\bval\s+\w+\s*(?::\s*\w+)?\s*=/, 2],
    [/\bwhen\s*(?:\([^)]{0,300}\))?\s*\{/, 2], [/^[^\S\n]*package\s+\w+(?:\.\w+)+\s*$/m, 2],
  ],
  ruby: [
    [/\bputs\b/, 3], [/\battr_(?:accessor|reader|writer)\b/, 5], [/\.each\s+do\s*\|/, 5], [/\bdo\s*\|\w+(?:,\s*\w+)*\|/, 3],
    [/^[^\S\n]*def\s+\w+[?!]?(?:\([^)]{0,300}\))?\s*$/m, 2], [/^[^\S\n]*end\s*$/m, 2], [/^[^\S\n]*require\s+['"][\w/]+['"]/m, 3],
    [/^[^\S\n]*class\s+\w+(?:\s*<\s*[\w:]+)?\s*$/m, 2],
  ],
  haskell: [
    [/^[^\S\n]*module\s+[\w.]+\s*(?:\([^)]{0,300}\)\s*)?where\b/m, 6], [/^[^\S\n]*[a-z]\w*'?\s*::\s*.+$/m, 4],
    [/\bputStrLn\b|\bmain\s*=\s*do\b/, 5], [/^[^\S\n]*import\s+(?:qualified\s+)?[A-Z][\w.]*/m, 2],
    [/^[^\S\n]*data\s+[A-Z]\w*(?:[^\S\n]+\w+)*[^\S\n]*=/m, 3],
  ],
  php: [
    [/<\?php/, 6], [/\$this->/, 5], [/\bfunction\s+\w+\s*\(\s*\$/, 4], [/\$\w+\s*=[^=]/, 2], [/\becho\s+["'$]/, 1],
  ],
  shell: [
    [/^#!\s*\/(?:usr\/)?bin\/(?:env\s+)?(?:ba|z|k|da)?sh\b/m, 6], [/\bif\s+\[\[?\s.{0,200}\]\]?\s*;\s*then\b/, 5],
    [/^[^\S\n]*(?:fi|done|esac)\s*$/m, 3], [/\|\s*(?:grep|awk|sed|sort|uniq|wc|head|tail|xargs)\b/, 3],
    [/^[^\S\n]*\$\s+[a-z]/m, 2], [/^[^\S\n]*export\s+[A-Z_]+=/m, 3],
    [/^[^\S\n]*(?:sudo\s+)?(?:apt(?:-get)?|brew|yum|dnf|pip3?|npm|npx|yarn|git|mkdir|chmod|chown|curl|wget|docker|kubectl|tar|ssh)\s+[-\w]/m, 3],
  ],
  sql: [
    [/\bSELECT\b[\s\S]{1,2000}?\bFROM\b/, 5], [/\bselect\s+(?:\*|[\w.]+(?:\s*,\s*[\w.]+)*)\s+from\s+\w+/, 4],
    [/\b(?:INSERT\s+INTO|DELETE\s+FROM|ALTER\s+TABLE|DROP\s+TABLE)\b/i, 4], [/\bCREATE\s+(?:TABLE|INDEX|VIEW)\s+\w+/i, 4],
    [/\bUPDATE\s+\w+\s+SET\b/i, 4], [/\b(?:WHERE|GROUP BY|ORDER BY|JOIN|HAVING)\b/, 1],
  ],
  cobol: [
    [/\bIDENTIFICATION\s+DIVISION\b/i, 6], [/\bPROCEDURE\s+DIVISION\b/i, 6], [/\bWORKING-STORAGE\s+SECTION\b/i, 5],
    [/\bPIC(?:TURE)?\s+[X9S]/, 3], [/\bSTOP\s+RUN\b/, 4], [/\bDISPLAY\s+['"]/, 2], [/\bMOVE\s+\S+\s+TO\b/, 2],
  ],
};

/** A superset language also collects its subset's signals once its own are clear (C++ ⊃ C, TS ⊃ JS). */
const SUPERSETS: ReadonlyArray<readonly [CodeType, CodeType]> = [['cpp', 'c'], ['typescript', 'javascript']];

/** Score needed inside an untagged fence (code is certainly present) and in bare text (it may be prose). */
const MIN_SCORE_FENCED = 2;
const MIN_SCORE_BARE = 4;

/**
 * Programming language of the code in `text`, or undefined when there is no recognisable code.
 * Several fenced blocks: the language with the most code wins.
 *
 * @example
 * detectCodeType('```py\nprint("hi")\n```') // → 'python' (info string)
 * detectCodeType('fn main() {\n    let mut n = 0;\n}') // → 'rust' (syntax)
 * detectCodeType('Rust is a language.') // → undefined
 */
export function detectCodeType(text: string): CodeType | undefined {
  text = classifiable(text);
  const fences = findFences(text);
  if (fences.length === 0) return guessFromSyntax(text, MIN_SCORE_BARE);
  const amount = new Map<CodeType, number>();
  for (const f of fences) {
    const type = FENCE_ALIASES.get(f.info) ?? guessFromSyntax(f.content, MIN_SCORE_FENCED);
    if (type) amount.set(type, (amount.get(type) ?? 0) + f.content.length + 1);
  }
  let best: CodeType | undefined;
  for (const [type, n] of amount) if (best === undefined || n > amount.get(best)!) best = type;
  return best;
}

/** The language with the highest syntax score, if it reaches `minScore` and has no tie. */
function guessFromSyntax(code: string, minScore: number): CodeType | undefined {
  const scores = new Map<CodeType, number>();
  for (const [type, signals] of Object.entries(SIGNALS) as Array<[CodeType, readonly Signal[]]>) {
    let score = 0;
    for (const [re, weight] of signals) if (re.test(code)) score += weight;
    if (score > 0) scores.set(type, score);
  }
  for (const [superset, subset] of SUPERSETS) {
    const own = scores.get(superset) ?? 0;
    if (own >= 3) scores.set(superset, own + (scores.get(subset) ?? 0));
  }
  let best: CodeType | undefined;
  let bestScore = 0;
  let tied = false;
  for (const [type, score] of scores) {
    if (score > bestScore) {
      best = type;
      bestScore = score;
      tied = false;
    } else if (score === bestScore) {
      tied = true;
    }
  }
  return best !== undefined && !tied && bestScore >= minScore ? best : undefined;
}
