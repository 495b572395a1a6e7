/**
 * Property tests: whatever the text or structure, compile() resolves (never throws, never hangs)
 * with either a plan and no errors, or errors and no plan, and its result survives JSON.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { compile, type CompileResult } from '../../src/pipeline/index.js';
import { defaultContext } from './fixture-reader.js';

const reader = {
  readFile: (path: string) => (path.endsWith('.yml') ? 'included:\n  script: [x]\n' : null),
  listFiles: () => ['a.yml', 'b/c.yml', 'Dockerfile'],
  hashFiles: () => 'abc',
};

async function check(config: string): Promise<void> {
  const started = Date.now();
  const result: CompileResult = await compile({ config, context: defaultContext(), reader });
  assert.ok(Date.now() - started < 1000, 'each compile stays under a second');
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (result.plan) assert.equal(errors.length, 0);
  else assert.ok(errors.length > 0, 'no plan means at least one error');
  for (const d of result.diagnostics) {
    assert.equal(typeof d.message, 'string');
    assert.ok(Number.isInteger(d.line) && Number.isInteger(d.column));
  }
  JSON.stringify(result);
}

const word = fc.constantFrom('build', 'test', 'deploy', '.hidden', 'x', 'job a', '$VAR', '/re/', '', 'main', 'null');
const keyword = fc.constantFrom(
  'script', 'stage', 'stages', 'needs', 'rules', 'if', 'when', 'extends', 'variables', 'parallel', 'matrix', 'only', 'except',
  'include', 'local', 'cache', 'key', 'files', 'artifacts', 'paths', 'image', 'services', 'retry', 'timeout', 'allow_failure',
  'exit_codes', 'trigger', 'dependencies', 'default', 'workflow', 'changes', 'exists', 'environment', 'inherit', 'tags', 'hooks',
);
const scalar = fc.oneof(word, fc.integer({ min: -3, max: 300 }), fc.boolean(), fc.constant(null), fc.string({ maxLength: 12 }),
  fc.constantFrom('$A == "x" && $B', '$CI_COMMIT_BRANCH =~ /^ma/', '1h 30m', 'on_success', 'manual', 'delayed', 'never'));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('map')),
  array: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(fc.oneof(keyword, word), tie('node'), { maxKeys: 5 }),
})).node;

test('random structured configs never make compile throw', async () => {
  await fc.assert(fc.asyncProperty(fc.dictionary(fc.oneof(keyword, word), value, { maxKeys: 8 }), async (config) => {
    await check(stringify(config));
  }), { numRuns: 200 });
});

test('random job-shaped configs never make compile throw', async () => {
  const job = fc.record({
    script: fc.oneof(fc.constant(['echo']), value),
    stage: fc.oneof(fc.constantFrom('build', 'test', 'deploy'), value),
    needs: fc.option(fc.array(fc.constantFrom('a', 'b', 'c', 'missing'), { maxLength: 3 })),
    extends: fc.option(fc.constantFrom('.t', 'a', 'b', 'c')),
    rules: fc.option(fc.array(fc.record({ if: fc.option(scalar), when: fc.option(scalar) }, { requiredKeys: [] }), { maxLength: 3 })),
    parallel: fc.option(fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constant({ matrix: [{ A: ['1', '2'], B: 'x' }] }))),
  }, { requiredKeys: ['script'] });
  await fc.assert(fc.asyncProperty(fc.record({ a: job, b: job, c: job, '.t': job }), async (config) => {
    await check(stringify(config));
  }), { numRuns: 200 });
});

test('random text never makes compile throw', async () => {
  const yamlish = fc.array(fc.oneof(
    fc.string({ maxLength: 20 }), fc.constantFrom(':', '- ', '\n', '  ', '&a ', '*a', '<<: ', '!reference [', ']', '{', '}', '"', "'", '|', '>', '---\n', '? ', '#'),
  ), { maxLength: 40 }).map((parts) => parts.join(''));
  await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), yamlish), async (text) => {
    await check(text);
  }), { numRuns: 200 });
});
