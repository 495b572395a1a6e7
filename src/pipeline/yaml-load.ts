/**
 * YAML text → ConfigValue, with positions recorded in `Locations`. We walk the yaml package's
 * node tree ourselves (instead of `toJS`) to keep positions, to expand aliases and merge keys
 * under a node budget (a "billion laughs" file becomes a diagnostic, not an out-of-memory), and to
 * turn `!reference` sequences into ReferenceTag markers. YAML 1.1 like GitLab's Psych: `yes`/`no`
 * are booleans, merge keys (`<<`) are honoured, duplicate keys are allowed (the last one wins).
 * Texts in the common block-style subset are read by yaml-fast.ts instead, with the same result.
 */
import { LineCounter, parseAllDocuments, isAlias, isMap as isYamlMap, isScalar, isSeq, type Document, type Node as YamlNode } from 'yaml';
import type { Diagnostic, SourcePosition } from './diagnostic.js';
import { LIMITS } from './limits.js';
import { Locations } from './locations.js';
import { newMap, ReferenceTag, type ConfigMap, type ConfigValue } from './config-value.js';
import { fastLoadYaml } from './yaml-fast.js';

export interface LoadedYaml {
  value: ConfigValue;
  diagnostics: Diagnostic[];
}

/** Shared across every file of one compilation, so that the budget covers all of them. */
export interface YamlBudget {
  nodesLeft: number;
}

class TooBig extends Error {}

const REFERENCE_TAG = { tag: '!reference', collection: 'seq' as const, default: false, resolve: (value: unknown) => value };

type Parsed = { documents: Document.Parsed[]; lineCounter: LineCounter } | { error: Error };

function parse(text: string): Parsed {
  const lineCounter = new LineCounter();
  try {
    const documents = parseAllDocuments(text, {
      lineCounter, version: '1.1', merge: true, uniqueKeys: false, customTags: [REFERENCE_TAG], prettyErrors: true,
    }) as Document.Parsed[];
    return { documents, lineCounter };
  } catch (cause) {
    return { error: cause as Error };
  }
}

const tooBig = (text: string): boolean => text.length > LIMITS.maxConfigBytes || new TextEncoder().encode(text).length > LIMITS.maxConfigBytes;

/** At most one text parsed ahead (parseYamlAhead), taken by the next loadYaml of that text. */
let ahead: { text: string; parsed: Parsed } | null = null;

/**
 * Parses `text` now so that the next loadYaml of the same text starts from the result: a caller
 * that will compile a file it already holds (`runnel run`: the working tree's .gitlab-ci.yml,
 * while git snapshots the tree) moves the parse, most of a compilation, to where this thread
 * would wait anyway. The outcome is the same as parsing then; the parse is read, not changed.
 * A text that the fast path (yaml-fast.ts) takes is not kept: that path is cheap enough to run
 * again in loadYaml, and running it here first only warms it up.
 */
export function parseYamlAhead(text: string): void {
  ahead = tooBig(text) || fastLoadYaml(text, '', new Locations(), { nodesLeft: LIMITS.maxYamlNodes }) !== undefined
    ? null
    : { text, parsed: parse(text) };
}

/**
 * Tries the fast path first; what it leaves (any text outside its subset, every invalid one
 * included) goes through the yaml package, which also makes every diagnostic. A text parsed
 * ahead is one the fast path left at the largest budget, so it would leave it again here.
 */
export function loadYaml(text: string, file: string, locations: Locations, budget: YamlBudget): LoadedYaml {
  if (tooBig(text)) return sizeProblem(file);
  let parsed: Parsed;
  if (ahead !== null && ahead.text === text) {
    parsed = ahead.parsed;
    ahead = null;
  } else {
    const value = fastLoadYaml(text, file, locations, budget);
    if (value !== undefined) return { value, diagnostics: [] };
    parsed = parse(text);
  }
  return convertParsed(parsed, file, locations, budget);
}

/** loadYaml through the yaml package alone, without the fast path: what the fast path must agree with. */
export function loadYamlWithPackage(text: string, file: string, locations: Locations, budget: YamlBudget): LoadedYaml {
  return tooBig(text) ? sizeProblem(file) : convertParsed(parse(text), file, locations, budget);
}

function sizeProblem(file: string): LoadedYaml {
  const message = `The parsed YAML is too big (${file} is larger than ${LIMITS.maxConfigBytes} bytes)`;
  return { value: null, diagnostics: [{ severity: 'error', message, file, line: 0, column: 0, path: '' }] };
}

function convertParsed(parsed: Parsed, file: string, locations: Locations, budget: YamlBudget): LoadedYaml {
  const diagnostics: Diagnostic[] = [];
  const problem = (message: string, line = 0, column = 0): Diagnostic => ({ severity: 'error', message, file, line, column, path: '' });

  if ('error' in parsed) return { value: null, diagnostics: [problem(`Invalid configuration format: ${parsed.error.message}`)] };
  const { lineCounter } = parsed;
  let { documents } = parsed;
  if (!Array.isArray(documents)) documents = [documents];
  if (documents.length === 0) return { value: null, diagnostics };

  // A first document holding only `spec:` is a header (spec:inputs); the config is the second.
  let doc = documents[0]!;
  if (documents.length > 1 && isYamlMap(doc.contents) && doc.contents.items.every((p) => isScalar(p.key) && p.key.value === 'spec')) {
    doc = documents[1]!;
  }
  for (const err of doc.errors) {
    const pos = err.linePos?.[0];
    diagnostics.push(problem(firstLine(err.message), pos?.line ?? 0, pos?.col ?? 0));
  }
  if (diagnostics.length > 0) return { value: null, diagnostics };

  const at = (node: YamlNode | null | undefined, fallback: SourcePosition): SourcePosition => {
    const offset = node?.range?.[0];
    if (offset === undefined) return fallback;
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  const root: SourcePosition = { file, line: 1, column: 1 };

  const convert = (node: unknown, depth: number, fallback: SourcePosition, aliasDepth: number): ConfigValue => {
    if (--budget.nodesLeft < 0 || depth > LIMITS.maxYamlDepth || aliasDepth > LIMITS.maxYamlDepth) throw new TooBig();
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) return null;
      return convert(target, depth, fallback, aliasDepth + 1);
    }
    const here = at(node as YamlNode, fallback);
    if (isScalar(node)) return scalarValue(node.value, node.source);
    if (isSeq(node)) {
      if (node.tag === '!reference') {
        const path = node.items.map((item) => convert(item, depth + 1, here, aliasDepth));
        return new ReferenceTag(path, here);
      }
      const out: ConfigValue[] = [];
      locations.register(out, here);
      node.items.forEach((item, index) => {
        const itemAt = at(item as YamlNode, here);
        out.push(convert(item, depth + 1, itemAt, aliasDepth));
        locations.setEntry(out, index, { key: itemAt, value: itemAt });
      });
      return out;
    }
    if (isYamlMap(node)) {
      const out = newMap();
      locations.register(out, here);
      const merges: unknown[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as unknown;
        if (isScalar(keyNode) && (typeof keyNode.value === 'symbol' || (keyNode.value === '<<' && keyNode.type === 'PLAIN'))) {
          merges.push(pair.value);
          continue;
        }
        const keyAt = at(keyNode as YamlNode, here);
        const key = keyString(convert(keyNode, depth + 1, keyAt, aliasDepth));
        const valueAt = at(pair.value as YamlNode, keyAt);
        out[key] = convert(pair.value, depth + 1, valueAt, aliasDepth);
        locations.setEntry(out, key, { key: keyAt, value: valueAt });
      }
      // Merge keys never override explicit keys; among merged maps the first one listed wins.
      for (const merge of merges) {
        const sources = isSeq(merge) ? merge.items : [merge];
        for (const source of sources) {
          const value = convert(source, depth + 1, here, aliasDepth);
          if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof ReferenceTag) continue;
          for (const key of Object.keys(value)) {
            if (Object.prototype.hasOwnProperty.call(out, key)) continue;
            out[key] = value[key]!;
            locations.copyEntry(value, key, out);
          }
        }
      }
      return out;
    }
    return null;
  };

  try {
    return { value: convert(doc.contents, 0, root, 0), diagnostics };
  } catch (cause) {
    if (cause instanceof TooBig) return { value: null, diagnostics: [problem('The parsed YAML is too big')] };
    return { value: null, diagnostics: [problem(`Invalid configuration format: ${(cause as Error).message}`)] };
  }
}

function scalarValue(value: unknown, source: string | undefined): ConfigValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(source ?? value);
  if (typeof value === 'bigint') return String(value);
  // Timestamps, binary and other 1.1 types: GitLab only accepts strings there, keep the text.
  return String(source ?? value);
}

function keyString(value: ConfigValue): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value instanceof ReferenceTag ? value.path : value);
  return String(value);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

export type { ConfigMap };
