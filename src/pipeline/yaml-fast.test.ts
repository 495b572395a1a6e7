/**
 * The fast YAML path against the yaml package's path: whenever the fast path returns a value, it
 * must be the same value, with the same key order, positions and node count. Texts: every YAML
 * text in the repository's fixtures and tests, the benchmark pipelines, and a few thousand
 * generated ones, some written to stay inside the subset (all of which must be taken), some
 * hostile (near-misses of every rule), some written by the yaml package's own stringify.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { stringify } from 'yaml';
import type { SourcePosition } from './diagnostic.js';
import { LIMITS } from './limits.js';
import { Locations } from './locations.js';
import { fastLoadYaml } from './yaml-fast.js';
import { loadYaml, loadYamlWithPackage } from './yaml-load.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FILE = 'ci/.gitlab-ci.yml';
const fullBudget = () => ({ nodesLeft: LIMITS.maxYamlNodes });

/** A value with every position Locations holds for it and for everything inside it. */
function withPositions(value: unknown, locations: Locations): unknown {
  if (value === null || typeof value !== 'object') return value;
  const at = (p: SourcePosition) => `${p.file}:${p.line}:${p.column}`;
  const entries = Object.keys(value).map((key) => {
    const k = Array.isArray(value) ? Number(key) : key;
    return [key, at(locations.keyOf(value, k)), at(locations.valueOf(value, k)), withPositions((value as Record<string, unknown>)[key], locations)];
  });
  return { kind: Array.isArray(value) ? 'seq' : Object.getPrototypeOf(value) === null ? 'map' : 'object', at: at(locations.of(value)), entries };
}

/** Runs both paths; when the fast one takes the text, asserts that they agree. */
function compare(text: string): 'taken' | 'left' {
  const fastLocations = new Locations();
  const fastBudget = fullBudget();
  const fast = fastLoadYaml(text, FILE, fastLocations, fastBudget);
  if (fast === undefined) {
    assert.equal(fastBudget.nodesLeft, LIMITS.maxYamlNodes, 'a text left to the full path costs no budget');
    return 'left';
  }
  const fullLocations = new Locations();
  const budget = fullBudget();
  const full = loadYamlWithPackage(text, FILE, fullLocations, budget);
  const context = JSON.stringify(text);
  assert.deepEqual(full.diagnostics, [], context);
  assert.deepEqual(fast, full.value, context);
  assert.deepEqual(withPositions(fast, fastLocations), withPositions(full.value, fullLocations), context);
  assert.equal(fastBudget.nodesLeft, budget.nodesLeft, `${context}: nodes counted`);
  return 'taken';
}

/** loadYaml (fast path first) gives what the yaml package's path gives: value, diagnostics, positions. */
function loadsAsThePackage(text: string): void {
  const viaLoad = new Locations();
  const viaPackage = new Locations();
  const loaded = loadYaml(text, FILE, viaLoad, fullBudget());
  const expected = loadYamlWithPackage(text, FILE, viaPackage, fullBudget());
  assert.deepEqual(loaded, expected, JSON.stringify(text));
  assert.deepEqual(withPositions(loaded.value, viaLoad), withPositions(expected.value, viaPackage), JSON.stringify(text));
}

function files(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, keep);
    return keep(path) ? [path] : [];
  });
}

/** Every string, and every array of strings read as lines, in the test sources that looks like YAML. */
function yamlInSources(): string[] {
  const out: string[] = [];
  const looksLikeYaml = (text: string) => /^[\w.'"-][^\n]*:( |\n)/.test(text);
  const sources = [...files(join(ROOT, 'src'), (p) => p.endsWith('.test.ts')), ...files(join(ROOT, 'tests'), (p) => p.endsWith('.ts')), ...files(join(ROOT, 'bench'), (p) => p.endsWith('.ts'))];
  for (const path of sources) {
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        if (looksLikeYaml(node.text)) out.push(node.text);
      } else if (ts.isArrayLiteralExpression(node) && node.elements.length > 1 && node.elements.every((e) => ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e))) {
        const text = `${node.elements.map((e) => (e as ts.StringLiteral).text).join('\n')}\n`;
        if (looksLikeYaml(text)) out.push(text);
      }
      ts.forEachChild(node, visit);
    };
    visit(ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest));
  }
  return out;
}

const fixtures = files(join(ROOT, 'tests', 'pipeline', 'fixtures'), (p) => /\.ya?ml$/.test(p));

/** bench/local-run-vs-gitlab-ci-local.ts's generated pipeline, restated (that module runs when imported). */
function benchPipeline(jobs: number, stages: number): string {
  const names = Array.from({ length: stages }, (_, i) => `s${i + 1}`);
  const lines = [`stages: [${names.join(', ')}]`];
  for (let i = 0; i < jobs; i++) lines.push(`job_${i + 1}:`, `  stage: ${names[Math.floor((i * stages) / jobs)]}`, `  script: [echo job ${i + 1}]`);
  return lines.join('\n') + '\n';
}

const TYPICAL = `# Build and test
---
stages:
  - build
  - test
  - deploy

variables:
  NODE_VERSION: "20"
  GIT_DEPTH: 10
  FF_USE_FASTZIP: 'true'
  EMPTY:

default:
  image: node:20-alpine
  tags: [docker, linux]
  retry: 2
  timeout: 1h 30m

.node-setup:
  before_script:
    - npm ci --cache .npm --prefer-offline   # offline when we can
  cache:
    key: npm-$CI_COMMIT_REF_SLUG
    paths:
    - .npm/

build:linux:
  extends: .node-setup
  stage: build
  script: |
    echo "Building on $CI_RUNNER_DESCRIPTION"
    npm run build -- --mode=production

    ls -la dist/ # not a comment
  artifacts:
    paths: [dist/]
    expire_in: 1 week
    when: on_success

test unit:
  stage: test
  needs: [build:linux]
  script:
    - npm test
    - |-
      if [ -n "$COVERAGE" ]; then
        echo "coverage: 87%"
      fi
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
      changes: [src/**/*.ts, package.json]
      when: always
    - if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'
    - when: never
  allow_failure:
    exit_codes: [137, 255]
  coverage: '/Lines\\s*:\\s*(\\d+.\\d+)%/'

deploy:
  stage: deploy
  script:
    - ./deploy.sh "$CI_ENVIRONMENT_NAME"
  environment:
    name: production
    url: https://example.com
  only: [main]
  interruptible: no
  when: manual
`;

test('takes the benchmark pipelines and a typical CI file, and agrees with the yaml package on them', () => {
  for (const [jobs, stages] of [[6, 3], [50, 5], [100, 5]] as const) assert.equal(compare(benchPipeline(jobs, stages)), 'taken', `${jobs}/${stages}`);
  assert.equal(compare(TYPICAL), 'taken');
  loadsAsThePackage(TYPICAL);
  const value = fastLoadYaml(TYPICAL, FILE, new Locations(), fullBudget()) as Record<string, Record<string, unknown>>;
  assert.equal(value['build:linux']!['script'], 'echo "Building on $CI_RUNNER_DESCRIPTION"\nnpm run build -- --mode=production\n\nls -la dist/ # not a comment\n');
  assert.deepEqual(value['variables'], Object.assign(Object.create(null), { NODE_VERSION: '20', GIT_DEPTH: 10, FF_USE_FASTZIP: 'true', EMPTY: null }));
  assert.equal(value['deploy']!['interruptible'], false);
});

test('agrees with the yaml package on every YAML text of the fixtures and tests it takes, and takes most', () => {
  const texts = [...fixtures.map((path) => readFileSync(path, 'utf8')), ...yamlInSources()];
  const taken = texts.filter((text) => compare(text) === 'taken').length;
  assert.ok(texts.length > 250 && taken > 150, `${taken} of ${texts.length} taken`);
  for (const name of ['basic-stages', 'needs-basic', 'rules-if-branch', 'cache-variants', 'custom-stages-pre-post', 'when-keywords']) {
    assert.equal(compare(readFileSync(join(ROOT, 'tests', 'pipeline', 'fixtures', name, '.gitlab-ci.yml'), 'utf8')), 'taken', name);
  }
});

/** mulberry32: a small seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Plain scalars the fast path reads, in block and flow context alike. */
const SAFE = ['build', 'npm ci', 'echo hello world', 'yes', 'No', 'on', 'OFF', 'y', 'N', 'n', 'Y', '~', 'null', 'Null', 'NULL', 'true', 'False', 'TRUE', 'nULL', 'tRue',
  '0', '7', '42', '123456789012345', '1h 30m', '30 days', '1 week', '.post', '.pre', '.base', './run.sh', '../x', '.e5x', '.env', '$VAR', '$CI == "x"', 'a#b', 'x#', 'http://x.y/z', 'node:20', 'x::y',
  'é ü 日本', '🚀 go', 'a - b', 'a -', 'a&b', 'a *b', 'a !b', 'a|b', 'a >b', 'echo `date`', '100%', 'a?', 'a?b', 'a @b', 'x- y', 'a:b:c', '\ud800x', '\u3000x', '\uffff', 'e5', 'E3', "it's", 'a"b', 'a\\b', 'c:\\dir', 'a  b', 'on_success', 'Yes!', 'nan', 'inf', '\u00a0x', 'x\u00a0', '__proto__', 'a...b'];
/** Plain scalars it reads in block context only: flow indicators inside. */
const BLOCK_ONLY = ['${VAR}', 'echo {a}', 'x, y', 'a]', 'a[b', 'cat a || echo b', 'if [ -f x ]; then y; fi', 'a}'];
/** Everything else: numbers, times, indicators, comments, colons. */
const HOSTILE = ['010', '08', '0x1F', '1_000', '1:20', '12:30', '1.5', '1.', '.5', '._', '.inf', '-.inf', '.NaN', '.e5', '.E+1', '2001-12-14', '2001-12-14 21:59:43.10 -5', '+1', '-1', '-0',
  '00', '0b101', '123456789012345678', '2d', '1a', '0xffz', '1 2', '9Z', '1e3', '<<', '-x', '--flag', '- x', '?x', ':x', '@x', '`x`', '%x', '!x', '!reference [a, b]',
  '&a x', '*a', '|', '>', 'a |', 'x:', 'a: b', 'echo "a: b"', 'x # y', '#x', '', '  ', '-', '?', '.', '---', '--- x', '...', '"', "'", '[]', '{}', '{a: b}', '[a, [b]]', 'a\tb', '\u0085x', 'a\u2028b', '\ufeffx', 'a\rb'];
const KEYS = ['a', 'b', 'job', 'script', 'stage', 'rules', 'when', 'if', 'variables', 'build:linux', 'test job', 'yes', 'no', 'On', '1', '~', 'null', '__proto__', 'constructor',
  'a.b', '.hidden', 'x-y', 'ü', '🚀', 'a&b', 'a*b', 'a!b', 'a|b', 'a>b', 'a@b', 'a`b', 'a%b', 'a?b', 'a b c', 'a:b:c', '$VAR', '~x', 'a\\b', 'NULL', '0', '123', 'True', '"q k"', "'s k'", "'it''s'", '""', 'e5', '1h'];
const HOSTILE_KEYS = ['01', '0x1', '1.5', '<<', '"a\\"b"', 'a"b', 'a#b', 'a #b', 'k ', '-k', '?k', '[k]', '{k}', 'a,b', '"x": y', '&a k', '!t k', '? k', 'x'.repeat(1100), 'k:v', '- -x', '1_0', '.5'];

/**
 * A generated document: maps, sequences (indented, at their key's column, compact `- k: v`,
 * `- - x`), flow sequences, quoted and plain scalars, literal blocks, comments, blank lines,
 * duplicate keys, empty values, varying indentation. `hostile` mixes in near-misses of every
 * rule; without it the text stays inside the fast path's subset.
 */
function generate(rnd: () => number, hostile: boolean): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const odd = (p: number) => hostile && rnd() < p;
  const lines: string[] = [];
  const quote = (s: string) => (rnd() < 0.5 ? `'${s.replaceAll("'", "''")}'` : `"${s.replaceAll('"', "'").replaceAll('\\', '/')}"`);
  const scalar = (flow: boolean): string => {
    if (odd(0.12)) return rnd() < 0.3 ? quote(pick(HOSTILE)) : rnd() < 0.1 ? `"${pick(HOSTILE)}\\n"` : pick(HOSTILE);
    const s = flow ? pick(SAFE) : pick([...SAFE, ...BLOCK_ONLY]);
    return rnd() < 0.25 ? quote(s) : s;
  };
  const trail = (): string => {
    const r = rnd();
    if (r < 0.1) return ' # comment: x';
    if (r < 0.15) return '   #';
    if (r < 0.2) return '  ';
    if (odd(0.05)) return pick(['#x', '\t# x', ' :', ' # c\n  more']);
    return '';
  };
  const junk = (indent: string): void => {
    const r = rnd();
    if (r < 0.06) lines.push('');
    else if (r < 0.09) lines.push(`${indent}# comment`);
    else if (r < 0.1) lines.push('# at column 0');
    else if (r < 0.11) lines.push(`${indent}      # deeper`);
    else if (r < 0.12) lines.push('   ');
  };
  const flow = (): string => {
    const items = Array.from({ length: Math.floor(rnd() * 4) }, () => scalar(true));
    const sep = () => pick([', ', ',', ' , ', ',   ']);
    let text = `[${rnd() < 0.2 ? ' ' : ''}${items.map((x, i) => (i === 0 ? x : sep() + x)).join('')}${rnd() < 0.2 ? ' ' : ''}]`;
    if (odd(0.1)) text = pick([text.replace(']', ',]'), text.slice(0, -1), `[${text}]`, text.replace('[', '{'), `${text} x`]);
    return text;
  };
  /** A literal block after a key or `-` at `parent` columns; its header goes on the line at `at`. */
  const literal = (parent: number, at: number): void => {
    lines[at] += ` ${odd(0.3) ? pick(['|2', '>', '>-', '|x', '|-+', '|#']) : pick(['|', '|-', '|+', '| # c', '|+  #x', '|-  '])}`;
    const indent = ' '.repeat(parent + 1 + Math.floor(rnd() * 3) - (odd(0.2) ? 1 : 0));
    if (rnd() < 0.2) lines.push(odd(0.3) ? `${indent}  ` : '');
    for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
      lines.push(`${indent}${pick([...SAFE, ...HOSTILE.filter((s) => /^[!-~]+$/.test(s))])} ${pick(SAFE)}`);
      const r = rnd();
      if (r < 0.15) lines.push(odd(0.3) ? `${indent}   ` : pick(['', indent.slice(1)]));
      else if (r < 0.25) lines.push(`${indent}  indented ${pick(SAFE)}`);
      else if (r < 0.3) lines.push(`${indent}# not a comment`);
    }
    for (let n = Math.floor(rnd() * 3); n > 0; n--) lines.push(rnd() < 0.8 ? '' : ' ');
  };
  /** The value of the key or `-` on line `at`, whose node starts at column `col`. */
  const value = (col: number, depth: number, at: number, inSeq: boolean): void => {
    const r = rnd();
    const sub = ' '.repeat(1 + Math.floor(rnd() * 4));
    const here = ' '.repeat(col);
    const gap = ' '.repeat(rnd() < 0.8 ? 1 : 2 + Math.floor(rnd() * 3));
    if (depth > 6 || r < 0.42) lines[at] += `${gap}${scalar(false)}${trail()}`;
    else if (r < 0.52) lines[at] += `${gap}${flow()}${trail()}`;
    else if (r < 0.6) literal(col, at);
    else if (r < 0.67) lines[at] += trail();
    else {
      lines[at] += trail();
      junk(here);
      if (r < 0.8) map(here + sub, depth + 1);
      else if (r < 0.88 && !inSeq) seq(here, depth + 1);
      else seq(here + sub, depth + 1);
    }
  };
  const map = (indent: string, depth: number, first?: string): void => {
    const used: string[] = [];
    for (let n = 1 + Math.floor(rnd() * 4); n > 0; n--) {
      const key = used.length > 0 && rnd() < 0.1 ? pick(used) : odd(0.05) ? pick(HOSTILE_KEYS) : pick(KEYS);
      used.push(key);
      lines.push(`${first ?? indent}${key}${odd(0.02) ? ' :' : ':'}`);
      first = undefined;
      value(indent.length, depth, lines.length - 1, false);
      junk(indent);
    }
  };
  const seq = (indent: string, depth: number, first?: string): void => {
    for (let n = 1 + Math.floor(rnd() * 4); n > 0; n--) {
      const lead = first ?? indent;
      first = undefined;
      const dash = `${lead}-${' '.repeat(1 + Math.floor(rnd() * 3))}`;
      const inner = ' '.repeat(dash.length);
      const r = rnd();
      if (depth < 6 && r < 0.25) map(inner, depth + 1, dash);
      else if (depth < 6 && r < 0.3) seq(inner, depth + 1, dash);
      else if (r < 0.4) {
        lines.push(`${lead}-${trail()}`);
        if (depth < 6 && rnd() < 0.5) {
          junk(indent);
          map(indent + ' '.repeat(1 + Math.floor(rnd() * 4)), depth + 1);
        }
      } else {
        lines.push(`${lead}-`);
        value(indent.length, depth, lines.length - 1, true);
      }
      junk(indent);
    }
  };
  if (rnd() < 0.1) lines.push('# header');
  if (rnd() < 0.1) lines.push('---');
  if (odd(0.05)) lines.push(pick(['%YAML 1.1', '--- !tag', '  indented: root', '- root seq']));
  map('', 0);
  if (odd(0.03)) lines.push(pick(['---', '...', 'b: &x 1', 'c: *x', '  more: indented']));
  let text = `${lines.join('\n')}\n`;
  if (odd(0.05)) text = text.slice(0, -1);
  if (odd(0.02)) text = text.replace(' ', '\t');
  if (odd(0.02)) text = text.replace('\n', '\r\n');
  return text;
}

test('takes every generated text inside the subset, and agrees with the yaml package on each', () => {
  const rnd = random(20240611);
  for (let n = 0; n < 1500; n++) {
    const text = generate(rnd, false);
    assert.equal(compare(text), 'taken', JSON.stringify(text));
  }
});

test('agrees with the yaml package on every hostile generated text it takes, and takes a good share', () => {
  const rnd = random(7);
  let taken = 0;
  const count = 2500;
  for (let n = 0; n < count; n++) if (compare(generate(rnd, true)) === 'taken') taken++;
  assert.ok(taken > count * 0.2 && taken < count * 0.8, `${taken} of ${count} taken`);
});

test("agrees with the yaml package on what the yaml package's stringify writes", () => {
  const rnd = random(99);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const leaf = (): unknown => pick([...SAFE, ...BLOCK_ONLY, ...HOSTILE, 'two\nlines', 'a\n\n b \n', '  lead', 'trail  ', 1, 0, -3, 2.5, true, false, null]);
  const make = (depth: number): unknown => {
    const r = rnd();
    if (depth > 4 || r < 0.35) return leaf();
    if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => make(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [pick([...KEYS, ...SAFE]).replace(/^["']|["']$/g, ''), make(depth + 1)]));
  };
  let taken = 0;
  for (let n = 0; n < 800; n++) {
    const root = Object.fromEntries([['job', make(1)], [pick(KEYS).replace(/^["']|["']$/g, ''), make(1)]]);
    if (compare(stringify(root, { version: '1.1', lineWidth: rnd() < 0.5 ? 0 : 40 })) === 'taken') taken++;
  }
  assert.ok(taken > 200, `${taken} of 800 taken`);
});

test('leaves texts outside the subset to the yaml package, whose result loadYaml still returns', () => {
  const outside = [
    'a: &x 1\nb: *x\n',
    '.base: &base\n  image: x\njob:\n  <<: *base\n  script: [y]\n',
    'job:\n  script:\n    - !reference [.setup, script]\n',
    'job: { script: [x] }\n',
    'job:\n  script: [x, { a: b }]\n',
    'job:\n  script: [x,\n    y]\n',
    'job:\n  script: a\n    continued\n',
    'job:\n  script: "a\n    b"\n',
    'job:\n  script: >\n    folded\n',
    'job:\n  script: |2\n    x\n',
    'job:\n\tscript: x\n',
    'job:\n  script: x\t# tab\n',
    'job:\n  script: "a\\tb"\n',
    '? complex\n: key\n',
    '%YAML 1.1\n---\njob: x\n',
    'spec:\n  inputs: {}\n---\njob:\n  script: x\n',
    'job:\n  script: x\n...\n',
    'a: 1\n b: 2\n',
    'job:\n  stage: x: y\n',
    'job: [a]]\n',
    'n: 010\nf: 1.5\nt: 12:30\nd: 2001-12-14\n',
    '- a\n- b\n',
    'job:\r\n  script: x\r\n',
    'job:\n  script: |\n    last line without newline',
    '',
    '# only a comment\n',
  ];
  for (const text of outside) {
    const locations = new Locations();
    const budget = fullBudget();
    assert.equal(fastLoadYaml(text, FILE, locations, budget), undefined, JSON.stringify(text));
    assert.equal(budget.nodesLeft, LIMITS.maxYamlNodes);
    loadsAsThePackage(text);
  }
  for (const invalid of ['job:\n  stage: x: y\n', 'job: [a]]\n', 'a: 1\n b: 2\n', 'job:\n  script: [x,\n']) {
    const { value, diagnostics } = loadYaml(invalid, FILE, new Locations(), fullBudget());
    assert.equal(value, null);
    assert.ok(diagnostics.length > 0 && diagnostics.every((d) => d.file === FILE && d.line > 0), JSON.stringify(diagnostics));
  }
});

test('records nothing in Locations when it leaves a text late', () => {
  let calls = 0;
  class Counting extends Locations {
    override register(node: object, at: SourcePosition): void {
      calls++;
      super.register(node, at);
    }
    override setEntry(...args: Parameters<Locations['setEntry']>): void {
      calls++;
      super.setEntry(...args);
    }
  }
  assert.equal(fastLoadYaml(`${benchPipeline(6, 3)}last: &anchor x\n`, FILE, new Counting(), fullBudget()), undefined);
  assert.equal(calls, 0);
  assert.notEqual(fastLoadYaml(benchPipeline(6, 3), FILE, new Counting(), fullBudget()), undefined);
  assert.ok(calls > 0);
});

test('spends exactly the budget the yaml package would, and leaves a text over it or too deep to that path', () => {
  const text = benchPipeline(6, 3);
  const budget = fullBudget();
  loadYamlWithPackage(text, FILE, new Locations(), budget);
  const cost = LIMITS.maxYamlNodes - budget.nodesLeft;

  const exact = { nodesLeft: cost };
  assert.notEqual(fastLoadYaml(text, FILE, new Locations(), exact), undefined);
  assert.equal(exact.nodesLeft, 0);

  const short = { nodesLeft: cost - 1 };
  assert.equal(fastLoadYaml(text, FILE, new Locations(), short), undefined);
  assert.equal(short.nodesLeft, cost - 1);
  assert.deepEqual(loadYaml(text, FILE, new Locations(), { nodesLeft: cost - 1 }).diagnostics.map((d) => d.message), ['The parsed YAML is too big']);

  const nested = (levels: number) => Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' x\n';
  assert.equal(compare(nested(LIMITS.maxYamlDepth)), 'taken');
  assert.equal(fastLoadYaml(nested(LIMITS.maxYamlDepth + 1), FILE, new Locations(), fullBudget()), undefined);
  assert.deepEqual(loadYaml(nested(LIMITS.maxYamlDepth + 1), FILE, new Locations(), fullBudget()).diagnostics.map((d) => d.message), ['The parsed YAML is too big']);
});
