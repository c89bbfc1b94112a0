import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/lib/markers/measure';
import { isWellFormedXml } from '../../src/lib/markers/measure-xml';

const JSON_ANSWER = `{
  "name": "Ada Lovelace",
  "born": 1815,
  "known_for": ["Analytical Engine notes", "first published algorithm"],
  "spouse": { "name": "William King", "married": 1835 }
}`;

const XML_ANSWER = `<?xml version="1.0" encoding="UTF-8"?>
<!-- order exported from the shop -->
<order id="1042" currency="EUR">
  <customer>Marie Curie</customer>
  <item sku="A-7" qty="2">Notebook &amp; pen</item>
  <note><![CDATA[Leave at the <front> door]]></note>
  <gift/>
</order>`;

const TABLE_ANSWER = `Here are the three largest cities of France:

| City      | Population | Region                     |
|-----------|-----------:|----------------------------|
| Paris     | 2,102,650  | Île-de-France              |
| Marseille | 873,076    | Provence-Alpes-Côte d'Azur |
| Lyon      | 522,969    | Auvergne-Rhône-Alpes       |`;

const COT_ANSWER = `Step 1: The train covers 120 km in 2 hours, so its speed is 60 km/h.
Step 2: At 60 km/h, 300 km takes 300 / 60 = 5 hours.
Therefore, the journey takes 5 hours.`;

describe('detectFormat', () => {
  it.each([
    ['a JSON object', JSON_ANSWER, 'JSON'],
    ['a JSON array', '[{"id": 1, "done": true}, {"id": 2, "done": false}]', 'JSON'],
    ['JSON in a fence with a lead-in line', 'Here is the record:\n```json\n' + JSON_ANSWER + '\n```', 'JSON'],
    ['JSON after a short lead-in, unfenced', 'Sure! ' + JSON_ANSWER, 'JSON'],
    ['a well-formed XML document', XML_ANSWER, 'XML'],
    ['XHTML in an html fence', '```html\n<ul><li>Tea</li><li>Coffee</li></ul>\n```', 'XML'],
    ['a Markdown table', TABLE_ANSWER, 'Tabular'],
    ['tab-separated lines', 'name\tage\tcity\nAna\t31\tPorto\nLuis\t45\tBraga', 'Tabular'],
    ['numbered reasoning steps', COT_ANSWER, 'ChainOfThought'],
    ['sequence words and a conclusion', 'First, we count the apples: 3 + 4 = 7. Then we remove the two eaten ones. Therefore 5 apples are left.', 'ChainOfThought'],
    ['a French step list', 'Étape 1 : on divise 12 par 3.\nÉtape 2 : on obtient 4.\nDonc la réponse est 4.', 'ChainOfThought'],
    ['an answer label', 'Answer: B', 'MCQAnswer'],
    ['an answer sentence', 'The correct answer is (C).', 'MCQAnswer'],
    ['a leading option with explanation', '(D) Canberra, because it was purpose-built as the capital.', 'MCQAnswer'],
    ['a bare letter', 'C', 'MCQAnswer'],
    ['a French label', 'Réponse : A', 'MCQAnswer'],
    ['display math', 'The roots are\n$$x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}$$', 'Latex'],
    ['an environment', '\\begin{align}\na &= b + c\n\\end{align}', 'Latex'],
    ['inline math', 'Since $x^2 = 9$, we get two solutions.', 'Latex'],
    ['headings', '# Installation\n\nRun the installer and follow the prompts.\n\n## Troubleshooting\n\nRestart first.', 'Markdown'],
    ['a fenced code block', 'Use this:\n\n```python\nprint(sorted(words, key=len))\n```\n\nIt sorts by length.', 'Markdown'],
    ['a bullet list', 'You will need:\n- two eggs\n- 200 g of flour\n- a pinch of salt', 'Enumeration'],
    ['a numbered list', '1. Open the settings.\n2. Choose "Privacy".\n3. Turn off tracking.', 'Enumeration'],
  ])('recognises %s', (_, text, format) => {
    expect(detectFormat(text)).toBe(format);
  });

  it.each([
    ['plain prose', 'It rained all night, but by noon the sky had cleared and we walked along the river.'],
    ['prices in dollars', 'The small coffee costs $3 and the large one $5, so two large ones are $10.'],
    ['JSON that does not parse', "{name: 'Ada', born: 1815,}"],
    ['XML that is not well-formed', '<order><item>Pen</order></item>'],
    ['HTML with an unclosed tag', '<p>First line<br>Second line</p>'],
    ['a bracketed citation in prose', 'Lovelace wrote the first published algorithm [3], decades before computers existed.'],
    ['one dash line', 'Note - the shop closes early today.'],
    ['a word that looks like an answer', 'The answer is a lot more complicated than that.'],
    ['prose that mentions a step', 'Every journey begins with a single step.'],
  ])('leaves %s as prose', (_, text) => {
    expect(detectFormat(text)).toBeUndefined();
  });

  it('follows the documented precedence', () => {
    // A JSON document stays JSON even though its strings hold list-like lines.
    expect(detectFormat('{"steps": ["- mix", "- bake"]}')).toBe('JSON');
    // Reasoning steps that end in an option letter are ChainOfThought, not MCQAnswer.
    expect(detectFormat(COT_ANSWER + '\nAnswer: B')).toBe('ChainOfThought');
    // LaTeX inside a list is Latex.
    expect(detectFormat('- $a^2 + b^2 = c^2$\n- $e^{i\\pi} + 1 = 0$')).toBe('Latex');
    // A list under headings is a Markdown document.
    expect(detectFormat('## Ingredients\n- eggs\n- flour')).toBe('Markdown');
    // A table outranks the Markdown around it.
    expect(detectFormat('# Cities\n\n' + TABLE_ANSWER)).toBe('Tabular');
    // A small JSON fence in a long explanation does not make the whole answer JSON.
    const long = 'Configuration files are read at start-up. '.repeat(10) + '\n```json\n{"debug": true}\n```';
    expect(detectFormat(long)).toBe('Markdown');
  });
});

describe('isWellFormedXml', () => {
  it.each([
    [XML_ANSWER],
    ['<a/>'],
    ['<svg xmlns="http://www.w3.org/2000/svg" width="10"><circle r="4"/></svg>'],
    ['<!DOCTYPE note [<!ENTITY who "Ana">]><note>&who;</note>'],
    ["<p class='x'>caf&#233; &#xE9;</p >"],
  ])('accepts %j', (xml) => {
    expect(isWellFormedXml(xml)).toBe(true);
  });

  it.each([
    ['<a><b></a></b>', 'crossed tags'],
    ['<a></a><b></b>', 'two roots'],
    ['<a>', 'unclosed root'],
    ['text <a/>', 'text outside the root'],
    ['<a x=1/>', 'unquoted attribute'],
    ['<a x="1" x="2"/>', 'duplicate attribute'],
    ['<a>fish & chips</a>', 'bare ampersand'],
    ['<a><!-- a -- b --></a>', 'double hyphen in a comment'],
    ['<a></b>', 'mismatched close'],
    ['', 'empty text'],
  ])('rejects %j (%s)', (xml) => {
    expect(isWellFormedXml(xml)).toBe(false);
  });
});
