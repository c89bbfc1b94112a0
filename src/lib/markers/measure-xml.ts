/**
 * A small XML well-formedness check (XML 1.0 §2.1 in spirit, not a validating parser), because
 * DOMParser does not exist in Node or Web Workers. It accepts exactly one root element, optionally
 * preceded by an XML declaration, comments, processing instructions and a DOCTYPE.
 */

const NAME = '[A-Za-z_][\\w.:-]*';
const ATTRIBUTE = `\\s+(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`;
const TAG = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`, 'y');
const ATTRIBUTES = new RegExp(ATTRIBUTE, 'g');
/** An `&` must start a reference: &amp; &lt; &#233; &#xE9; or a name a DOCTYPE may define. */
const BAD_AMPERSAND = /&(?!(?:[A-Za-z_][\w.-]*|#\d+|#x[0-9A-Fa-f]+);)/;

/**
 * True when `text` is one well-formed XML document: balanced, properly nested tags, a single root,
 * quoted and unique attributes, valid `&` references, nothing but whitespace and comments outside
 * the root.
 *
 * @example
 * isWellFormedXml('<note lang="en"><to>Ana</to><body>Hi &amp; bye</body></note>') // → true
 * isWellFormedXml('<a><b></a></b>') // → false
 * isWellFormedXml('<a/><b/>')       // → false (two roots)
 */
export function isWellFormedXml(text: string): boolean {
  const s = text.trim();
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const chars = s.slice(i, lt < 0 ? s.length : lt);
    if (stack.length === 0 ? chars.trim() !== '' : BAD_AMPERSAND.test(chars) || chars.includes(']]>')) return false;
    if (lt < 0) break;
    i = lt;
    if (s.startsWith('<!--', i)) {
      const end = s.indexOf('-->', i + 4);
      if (end < 0 || s.slice(i + 4, end).includes('--')) return false;
      i = end + 3;
    } else if (s.startsWith('<![CDATA[', i)) {
      const end = s.indexOf(']]>', i);
      if (stack.length === 0 || end < 0) return false;
      i = end + 3;
    } else if (s.startsWith('<?', i)) {
      const end = s.indexOf('?>', i);
      if (end < 0 || (/^<\?xml\s/i.test(s.slice(i, i + 6)) && i !== 0)) return false;
      i = end + 2;
    } else if (s.startsWith('<!DOCTYPE', i)) {
      const end = doctypeEnd(s, i);
      if (end < 0 || roots > 0) return false;
      i = end;
    } else {
      TAG.lastIndex = i;
      const m = TAG.exec(s);
      if (!m) return false;
      const [whole, closing, name, attributes = '', selfClosing] = m;
      if (closing) {
        if (attributes !== '' || selfClosing || stack.pop() !== name) return false;
      } else {
        if (stack.length === 0 && roots++ > 0) return false;
        if (!attributesValid(attributes)) return false;
        if (!selfClosing) stack.push(name!);
      }
      i += whole.length;
    }
  }
  return roots === 1 && stack.length === 0;
}

function attributesValid(attributes: string): boolean {
  const seen = new Set<string>();
  for (const m of attributes.matchAll(ATTRIBUTES)) {
    const name = m[1]!;
    if (seen.has(name) || BAD_AMPERSAND.test(m[2] ?? m[3] ?? '')) return false;
    seen.add(name);
  }
  return true;
}

/** Offset just past a DOCTYPE, skipping an internal subset in [ … ]; -1 if it never ends. */
function doctypeEnd(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '>' && depth === 0) return i + 1;
  }
  return -1;
}
