/**
 * A small, tolerant XML reader: enough for JUnit reports, not a general XML processor. It reads
 * elements, attributes, text, CDATA and character/entity references, and skips the declaration,
 * processing instructions, comments and DOCTYPE. No external entities, no DTDs (nothing to
 * exploit), an input size cap and a nesting cap; it never throws: bad input gives an error with
 * line and column. Pure.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Text and CDATA directly inside this element, concatenated. */
  text: string;
}

export type XmlResult = { ok: true; root: XmlElement } | { ok: false; error: string };

export interface XmlLimits {
  maxBytes?: number;
  maxDepth?: number;
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class XmlSyntaxError extends Error {}

export function parseXml(input: string, limits: XmlLimits = {}): XmlResult {
  const maxBytes = limits.maxBytes ?? 30 * 1024 * 1024;
  const maxDepth = limits.maxDepth ?? 256;
  if (input.length > maxBytes) return { ok: false, error: `document larger than ${maxBytes} bytes` };
  let pos = 0;
  const fail = (message: string, at = pos): never => {
    const before = input.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new XmlSyntaxError(`${line}:${column}: FATAL: ${message}`);
  };
  const decode = (raw: string, at: number): string =>
    raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(';')) return whole; // a lone '&': tolerated, kept as written
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
        if (!Number.isFinite(code) || code > 0x10ffff || code < 1) return fail(`invalid character reference &${ref};`, at);
        return String.fromCodePoint(code);
      }
      const named = NAMED_ENTITIES[ref];
      return named === undefined ? whole : named;
    });
  const isNameStart = (c: string | undefined) => c !== undefined && /[A-Za-z_:\u00C0-\uFFFF]/.test(c);
  const readName = (): string => {
    const start = pos;
    if (!isNameStart(input[pos])) fail('expected a name');
    while (pos < input.length && /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/.test(input[pos] as string)) pos++;
    return input.slice(start, pos);
  };
  const skipSpace = () => {
    while (pos < input.length && /\s/.test(input[pos] as string)) pos++;
  };

  try {
    if (input.trim() === '') fail('Document is empty', 0);
    const stack: XmlElement[] = [];
    let root: XmlElement | undefined;
    while (pos < input.length) {
      const lt = input.indexOf('<', pos);
      const textEnd = lt === -1 ? input.length : lt;
      if (textEnd > pos) {
        const text = input.slice(pos, textEnd);
        const top = stack[stack.length - 1];
        if (top) top.text += decode(text, pos);
        else if (text.trim() !== '') fail('content outside the root element');
        pos = textEnd;
        continue;
      }
      if (input.startsWith('<!--', pos)) {
        const end = input.indexOf('-->', pos + 4);
        if (end === -1) fail('unterminated comment');
        pos = end + 3;
      } else if (input.startsWith('<![CDATA[', pos)) {
        const end = input.indexOf(']]>', pos + 9);
        if (end === -1) fail('unterminated CDATA section');
        const top = stack[stack.length - 1];
        if (!top) fail('CDATA outside the root element');
        (top as XmlElement).text += input.slice(pos + 9, end);
        pos = end + 3;
      } else if (input.startsWith('<?', pos)) {
        const end = input.indexOf('?>', pos + 2);
        if (end === -1) fail('unterminated processing instruction');
        pos = end + 2;
      } else if (input.startsWith('<!', pos)) {
        // DOCTYPE and friends: skipped, with any internal subset in brackets.
        let depth = 0;
        let i = pos + 2;
        for (; i < input.length; i++) {
          const c = input[i];
          if (c === '[') depth++;
          else if (c === ']') depth--;
          else if (c === '>' && depth <= 0) break;
        }
        if (i >= input.length) fail('unterminated declaration');
        pos = i + 1;
      } else if (input.startsWith('</', pos)) {
        pos += 2;
        const name = readName();
        skipSpace();
        if (input[pos] !== '>') fail("expected '>'");
        pos++;
        const top = stack.pop();
        if (!top || top.name !== name) fail(`Opening and ending tag mismatch: ${top?.name ?? '(none)'} and ${name}`);
      } else {
        pos++;
        const name = readName();
        const element: XmlElement = { name, attributes: {}, children: [], text: '' };
        for (;;) {
          skipSpace();
          const c = input[pos];
          if (c === undefined) fail("expected '>'");
          if (c === '>' || (c === '/' && input[pos + 1] === '>')) break;
          const attr = readName();
          skipSpace();
          if (input[pos] !== '=') fail(`expected '=' after attribute ${attr}`);
          pos++;
          skipSpace();
          const quote = input[pos];
          if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value');
          const end = input.indexOf(quote as string, pos + 1);
          if (end === -1) fail('unterminated attribute value');
          element.attributes[attr] = decode(input.slice(pos + 1, end), pos);
          pos = end + 1;
        }
        const selfClosing = input[pos] === '/';
        pos += selfClosing ? 2 : 1;
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push(element);
        else if (root) fail('extra content at the end of the document');
        else root = element;
        if (!selfClosing) {
          if (stack.length >= maxDepth) fail(`nesting deeper than ${maxDepth}`);
          stack.push(element);
        }
      }
    }
    if (stack.length > 0) fail(`Premature end of data in tag ${stack[stack.length - 1]?.name}`);
    if (!root) fail('Document is empty');
    return { ok: true, root: root as XmlElement };
  } catch (error) {
    if (error instanceof XmlSyntaxError) return { ok: false, error: error.message };
    return { ok: false, error: `unexpected failure: ${String(error)}` };
  }
}
