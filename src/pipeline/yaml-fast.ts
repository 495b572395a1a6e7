/**
 * A small parser for the shape most CI files have, tried before the yaml package: `runnel run` is
 * a short-lived process, where the yaml package's code runs cold. The first load of the 50-job
 * benchmark pipeline (150 lines) in a fresh process took ~19 ms through the yaml package and
 * ~2 ms through this (medians of 10 processes; warm, ~2 ms and ~0.1 ms).
 *
 * The subset: one document whose root is a block mapping at column 0 (an opening `---` line
 * allowed); block mappings with plain or quoted keys; block sequences, also as compact `- key:`
 * mappings and at their key's indentation; one-line plain, single- and double-quoted scalars
 * (no backslash); one-line flow sequences of such scalars; `|`, `|-` and `|+` literal blocks
 * without an indentation indicator; comments and blank lines. Anything else, and anything that
 * could be read more than one way, returns undefined, and loadYaml takes the yaml package's path,
 * which also reports every error: this path never judges a file, it only agrees with that one.
 * Agreement is exact: the same value (plain scalars resolved as YAML 1.1 then scalarValue would),
 * the same key order, the same positions in Locations and the same node budget spent; the
 * differential test in yaml-fast.test.ts holds the two paths against each other.
 */
import type { SourcePosition } from './diagnostic.js';
import { LIMITS } from './limits.js';
import type { EntryPositions, Locations } from './locations.js';
import { newMap, type ConfigMap, type ConfigValue } from './config-value.js';
import type { YamlBudget } from './yaml-load.js';

/** Thrown, always this one instance, when the text leaves the subset. */
const OUT = new Error('outside the fast YAML subset');

/**
 * Tabs, carriage returns, control characters, NEL, line and paragraph separators and byte order
 * marks: each has its own rules in YAML, so a text holding any of them goes the full way.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNUSUAL_CHARACTER = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;

/** Characters a plain scalar may not start with (YAML's c-indicator); some start other nodes. */
const INDICATORS = new Set('-?:,[]{}#&*!|>\'"%@`');

/** Plain scalars that YAML 1.1 reads as null or booleans (the yaml package's exact lists). */
const WORDS = new Map<string, null | boolean>([
  ['~', null], ['null', null], ['Null', null], ['NULL', null],
  ...['Y', 'y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((w): [string, boolean] => [w, true]),
  ...['N', 'n', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((w): [string, boolean] => [w, false]),
]);

/** Decimal integers that stay exact as numbers; other numerals (octal, 1_000, 1:20, floats) bail. */
const PLAIN_INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;

/** Characters that end a plain scalar in a flow sequence. */
const FLOW_PLAIN_END = new Set(',[]{}');

/** Plain keys holding these are left to the full parser (quotes, comments, flow indicators). */
const KEY_UNSAFE = /["'#[\]{},]/;

/**
 * Every other 1.1 int, float, sexagesimal and timestamp starting with a digit is written with
 * these characters only (digits, `_ : . + -`, exponents, `0x`/`0b` and hex digits, the `T`, `Z`
 * and spaces of timestamps); a plain scalar holding any other character (`30 days`, `1h`) is a string.
 */
const NOT_NUMERAL = /[^0-9_:.+\-a-fA-FxtTZ ]/;

/** The 1.1 floats starting with a dot: `.5`, `._`, `.inf`, `.NaN`, `.e5` (and the lone dot). */
const DOT_FLOAT = /^\.(?:[0-9_]|$)|^\.(?:inf|Inf|INF|nan|NaN|NAN|[eE][-+]?[0-9]+)$/;

/** The yaml package rejects implicit keys longer than 1024 characters; stay well below. */
const MAX_KEY_LENGTH = 1000;

const SPACE = 0x20;
const HASH = 0x23;

/**
 * The value of `text` when it lies within the subset, with its positions recorded in `locations`
 * and its nodes taken from `budget`; otherwise undefined, with `locations` and `budget` untouched
 * (a text over the budget or too deep is left to the full path, which reports it).
 */
export function fastLoadYaml(text: string, file: string, locations: Locations, budget: YamlBudget): ConfigValue | undefined {
  if (UNUSUAL_CHARACTER.test(text)) return undefined;
  const parser = new Parser(text, file);
  let value: ConfigMap;
  try {
    value = parser.document();
  } catch (cause) {
    if (cause === OUT) return undefined;
    throw cause;
  }
  if (parser.nodes > budget.nodesLeft) return undefined;
  budget.nodesLeft -= parser.nodes;
  for (const { node, at } of parser.registered) locations.register(node, at);
  for (const { node, key, positions } of parser.entries) locations.setEntry(node, key, positions);
  return value;
}

class Parser {
  private readonly lines: string[];
  /** Lines of the text: a final newline ends the last line, it does not start another. */
  private readonly count: number;
  /** Indentation of each line holding content; -1 for blank and comment-only lines. */
  private readonly indents: Int32Array;
  /** The first line after the node parsed last. */
  private next = 0;
  /** Nodes made, counted as loadYaml's convert counts them (keys and null values included). */
  nodes = 0;
  /** Locations calls, made only once the whole text is known to be in the subset. */
  readonly registered: Array<{ node: object; at: SourcePosition }> = [];
  readonly entries: Array<{ node: object; key: string | number; positions: EntryPositions }> = [];

  constructor(text: string, private readonly file: string) {
    this.lines = text.split('\n');
    this.count = text.endsWith('\n') ? this.lines.length - 1 : this.lines.length;
    this.indents = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const line = this.lines[i]!;
      let c = 0;
      while (line.charCodeAt(c) === SPACE) c++;
      this.indents[i] = c === line.length || line.charCodeAt(c) === HASH ? -1 : c;
    }
  }

  document(): ConfigMap {
    let first = this.contentFrom(0);
    if (first < this.count && trimSpaces(this.lines[first]!) === '---') first = this.contentFrom(first + 1);
    if (first >= this.count || this.indents[first] !== 0 || this.keyEnd(first, 0) < 0) throw OUT;
    const root = this.map(first, 0, 0);
    if (this.contentFrom(this.next) < this.count) throw OUT;
    return root;
  }

  /** A block mapping whose first key starts at (`line`, `col`); the others are on lines indented by `col`. */
  private map(line: number, col: number, depth: number): ConfigMap {
    const out = newMap();
    this.node(depth);
    this.registered.push({ node: out, at: this.at(line, col) });
    for (let i = line; ; ) {
      const text = this.lines[i]!;
      const colon = this.keyEnd(i, col);
      if (colon < 0) throw OUT;
      const key = this.key(text, col, colon, depth + 1);
      const keyAt = this.at(i, col);
      const after = skipSpaces(text, colon + 1);
      let value: ConfigValue;
      let valueAt: SourcePosition;
      if (after < text.length && text.charCodeAt(after) !== HASH) {
        valueAt = this.at(i, after);
        value = this.scalar(i, after, col, depth + 1);
      } else {
        const below = this.contentFrom(i + 1);
        const indent = below < this.count ? this.indents[below]! : -1;
        if (indent > col || (indent === col && isDash(this.lines[below]!, col))) {
          valueAt = this.at(below, indent);
          value = this.block(below, indent, depth + 1);
        } else {
          valueAt = this.at(i, after);
          value = this.empty(i, depth + 1);
        }
      }
      out[key] = value;
      this.entries.push({ node: out, key, positions: { key: keyAt, value: valueAt } });
      i = this.contentFrom(this.next);
      if (i >= this.count || this.indents[i]! < col) return out;
      if (this.indents[i]! > col) throw OUT;
    }
  }

  /** A block sequence whose first `-` is at (`line`, `col`); the others are on lines indented by `col`. */
  private seq(line: number, col: number, depth: number): ConfigValue[] {
    const out: ConfigValue[] = [];
    this.node(depth);
    this.registered.push({ node: out, at: this.at(line, col) });
    for (let i = line; ; ) {
      const text = this.lines[i]!;
      const after = skipSpaces(text, col + 1);
      let item: ConfigValue;
      let itemAt: SourcePosition;
      if (after < text.length && text.charCodeAt(after) !== HASH) {
        itemAt = this.at(i, after);
        if (isDash(text, after)) item = this.seq(i, after, depth + 1);
        else if (this.keyEnd(i, after) >= 0) item = this.map(i, after, depth + 1);
        else item = this.scalar(i, after, col, depth + 1);
      } else {
        const below = this.contentFrom(i + 1);
        const indent = below < this.count ? this.indents[below]! : -1;
        if (indent > col) {
          itemAt = this.at(below, indent);
          item = this.block(below, indent, depth + 1);
        } else {
          itemAt = this.at(i, after);
          item = this.empty(i, depth + 1);
        }
      }
      this.entries.push({ node: out, key: out.length, positions: { key: itemAt, value: itemAt } });
      out.push(item);
      i = this.contentFrom(this.next);
      if (i >= this.count || this.indents[i]! < col) return out;
      if (this.indents[i]! > col) throw OUT;
      // A line at this indentation that is no `-` belongs to the enclosing mapping, if any.
      if (!isDash(this.lines[i]!, col)) return out;
    }
  }

  /** A mapping or sequence starting a line of its own, at (`line`, `col`). */
  private block(line: number, col: number, depth: number): ConfigValue {
    if (isDash(this.lines[line]!, col)) return this.seq(line, col, depth);
    if (this.keyEnd(line, col) >= 0) return this.map(line, col, depth);
    throw OUT; // a scalar on the line after its key: possibly a multi-line plain scalar
  }

  /** The null of `key:` or `-` with nothing after it (on this line or indented below). */
  private empty(line: number, depth: number): null {
    this.node(depth);
    this.next = line + 1;
    return null;
  }

  /** A scalar or flow sequence starting at (`line`, `col`), after a key or `-` at `parentCol`. */
  private scalar(line: number, col: number, parentCol: number, depth: number): ConfigValue {
    const text = this.lines[line]!;
    const first = text[col]!;
    this.next = line + 1;
    if (first === '[') return this.flowSeq(text, line, col, depth);
    if (first === '|') return this.literal(line, col, parentCol, depth);
    this.node(depth);
    if (first === '"' || first === "'") {
      const [value, end] = quoted(text, col);
      endOfLine(text, end);
      return value;
    }
    const comment = text.indexOf(' #', col);
    const plain = trimSpaces(text.slice(col, comment < 0 ? text.length : comment));
    if (plain.includes(': ') || plain.endsWith(':')) throw OUT;
    return resolvePlain(plain);
  }

  /** `[a, "b", 'c']` on one line, scalars only. */
  private flowSeq(text: string, line: number, col: number, depth: number): ConfigValue[] {
    const out: ConfigValue[] = [];
    this.node(depth);
    this.registered.push({ node: out, at: this.at(line, col) });
    let c = skipSpaces(text, col + 1);
    if (text[c] === ']') {
      endOfLine(text, c + 1);
      return out;
    }
    for (;;) {
      const itemAt = this.at(line, c);
      let item: ConfigValue;
      this.node(depth + 1);
      if (text[c] === '"' || text[c] === "'") {
        [item, c] = quoted(text, c);
        c = skipSpaces(text, c);
      } else {
        let end = c;
        while (end < text.length && !FLOW_PLAIN_END.has(text[end]!)) end++;
        const plain = trimSpaces(text.slice(c, end));
        if (plain.includes(' #') || /:(?: |$)/.test(plain)) throw OUT;
        item = resolvePlain(plain);
        c = end;
      }
      this.entries.push({ node: out, key: out.length, positions: { key: itemAt, value: itemAt } });
      out.push(item);
      if (text[c] === ']') break;
      if (text[c] !== ',') throw OUT;
      c = skipSpaces(text, c + 1);
      if (text[c] === ']') throw OUT; // a trailing comma
    }
    endOfLine(text, c + 1);
    return out;
  }

  /**
   * A `|` literal block: its lines are those indented at least as far as its first non-blank one
   * (which must be further than the key or `-` holding it), blank lines included; clip chomping
   * keeps one final line break, `-` none, `+` all the trailing blank lines too.
   */
  private literal(line: number, col: number, parentCol: number, depth: number): string {
    const header = this.lines[line]!;
    const chomp = header[col + 1];
    const rest = chomp === '-' || chomp === '+' ? col + 2 : col + 1;
    if (rest < header.length && header[rest] !== ' ') throw OUT; // an indentation indicator, or junk
    endOfLine(header, rest);
    let i = line + 1;
    let leading = 0;
    while (i < this.count && isBlank(this.lines[i]!)) leading = Math.max(leading, this.lines[i++]!.length);
    if (i >= this.count) throw OUT;
    const indent = this.indents[i] === -1 ? spaces(this.lines[i]!) : this.indents[i]!;
    if (indent <= parentCol || leading > indent) throw OUT;
    let last = i;
    for (; i < this.count; i++) {
      const text = this.lines[i]!;
      const lead = spaces(text);
      // A blank line is content if it has spaces past the indentation, and empty otherwise.
      if (lead === text.length ? lead > indent : lead >= indent) last = i;
      else if (lead < text.length) break;
    }
    // A block running to the end of a text without a final newline: left to the full parser.
    if (i === this.count && this.count === this.lines.length) throw OUT;
    const body: string[] = [];
    for (let j = line + 1; j <= last; j++) body.push(this.lines[j]!.slice(indent));
    this.node(depth);
    this.next = i;
    const value = body.join('\n');
    if (chomp === '-') return value;
    if (chomp === '+') return value + '\n'.repeat(i - last);
    return value + '\n';
  }

  /** The key of a mapping entry from `col` to the `:` at `colon`, as loadYaml's keyString makes it. */
  private key(text: string, col: number, colon: number, depth: number): string {
    this.node(depth);
    if (colon - col > MAX_KEY_LENGTH) throw OUT;
    const first = text[col];
    if (first === '"' || first === "'") return quoted(text, col)[0];
    const value = resolvePlain(text.slice(col, colon));
    return value === null ? '' : String(value);
  }

  /**
   * Where the `:` of a mapping entry starting at (`line`, `col`) is, or -1 when there is none there
   * (or the key is not one this path reads: a plain key holding quotes, `#`, flow indicators or
   * spaces before its `:`, a quoted key not followed right away by `:`).
   */
  private keyEnd(line: number, col: number): number {
    const text = this.lines[line]!;
    const first = text[col];
    if (first === undefined) return -1;
    let colon: number;
    if (first === '"' || first === "'") {
      colon = quotedEnd(text, col);
      if (text[colon] !== ':') return -1;
    } else {
      if (INDICATORS.has(first)) return -1;
      colon = col;
      for (;;) {
        colon = text.indexOf(':', colon + 1);
        if (colon < 0) return -1;
        const after = text.charCodeAt(colon + 1);
        if (after === SPACE || Number.isNaN(after)) break;
      }
      if (text.charCodeAt(colon - 1) === SPACE || KEY_UNSAFE.test(text.slice(col, colon))) return -1;
    }
    const after = text.charCodeAt(colon + 1);
    return after === SPACE || Number.isNaN(after) ? colon : -1;
  }

  private contentFrom(line: number): number {
    while (line < this.count && this.indents[line] === -1) line++;
    return line;
  }

  private node(depth: number): void {
    if (depth > LIMITS.maxYamlDepth) throw OUT;
    this.nodes++;
  }

  private at(line: number, col: number): SourcePosition {
    return { file: this.file, line: line + 1, column: col + 1 };
  }
}

/** Plain scalar text → value, as the yaml package's 1.1 schema and then scalarValue read it. */
function resolvePlain(plain: string): ConfigValue {
  const first = plain[0];
  if (first === undefined || INDICATORS.has(first)) throw OUT;
  const word = WORDS.get(plain);
  if (word !== undefined) return word;
  if (first >= '0' && first <= '9') {
    if (PLAIN_INTEGER.test(plain)) return Number(plain);
    if (NOT_NUMERAL.test(plain)) return plain;
    throw OUT;
  }
  if (first === '.') {
    if (DOT_FLOAT.test(plain)) throw OUT;
    return plain;
  }
  if (first === '+' || plain === '<<') throw OUT;
  return plain;
}

/** A one-line quoted scalar at `col`: its value and the index just past its closing quote. */
function quoted(text: string, col: number): [string, number] {
  const end = quotedEnd(text, col);
  if (end < 0) throw OUT;
  const inner = text.slice(col + 1, end - 1);
  if (text[col] === "'") return [inner.replaceAll("''", "'"), end];
  if (inner.includes('\\')) throw OUT;
  return [inner, end];
}

/** The index just past the closing quote of the quoted scalar at `col`, or -1 if not on this line. */
function quotedEnd(text: string, col: number): number {
  const quote = text[col]!;
  for (let c = col + 1; ; c += 2) {
    c = text.indexOf(quote, c);
    if (c < 0) return -1;
    if (quote === '"' || text[c + 1] !== "'") return c + 1;
  }
}

/** Only spaces, or spaces then a comment, may follow a node at `c`. */
function endOfLine(text: string, c: number): void {
  if (c >= text.length) return;
  const after = skipSpaces(text, c);
  if (after === text.length) return;
  if (after === c || text.charCodeAt(after) !== HASH) throw OUT;
}

function isDash(text: string, col: number): boolean {
  return text[col] === '-' && (col + 1 === text.length || text.charCodeAt(col + 1) === SPACE);
}

function isBlank(text: string): boolean {
  return spaces(text) === text.length;
}

function spaces(text: string): number {
  let c = 0;
  while (text.charCodeAt(c) === SPACE) c++;
  return c;
}

/** Without its trailing spaces (only U+0020: YAML's white space is that and tab). */
function trimSpaces(text: string): string {
  let end = text.length;
  while (text.charCodeAt(end - 1) === SPACE) end--;
  return text.slice(0, end);
}

function skipSpaces(text: string, c: number): number {
  while (text.charCodeAt(c) === SPACE) c++;
  return c;
}
