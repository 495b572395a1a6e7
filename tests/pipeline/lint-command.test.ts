import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintCommand } from '../../src/cli/lint.js';

function run(cwd: string, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  return lintCommand(argv, { cwd, stdout: { write: (t: string) => { out += t; } }, stderr: { write: (t: string) => { err += t; } } })
    .then((code) => ({ code, out, err }));
}

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-lint-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test('lint --format json prints the exact shape, jobs in stage order, exit 0', async () => {
  const dir = repo({
    '.gitlab-ci.yml': 'include: ci/deploy.yml\ntest:\n  script: [npm test]\n  needs: [build]\nbuild:\n  stage: build\n  script: [make]\n  variables: { A: "1" }\n',
    'ci/deploy.yml': 'deploy:\n  stage: deploy\n  script: [ship]\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n      when: manual\n',
  });
  const { code, out } = await run(dir, ['--format', 'json', '--ref', 'main']);
  assert.equal(code, 0);
  const json = JSON.parse(out);
  assert.deepEqual(Object.keys(json), ['valid', 'diagnostics', 'stages', 'jobs']);
  assert.equal(json.valid, true);
  assert.deepEqual(json.stages, ['.pre', 'build', 'test', 'deploy', '.post']);
  assert.deepEqual(json.jobs, [
    { name: 'build', stage: 'build', when: 'on_success', allow_failure: false, needs: null, variables: { A: '1' }, script: ['make'] },
    { name: 'test', stage: 'test', when: 'on_success', allow_failure: false, needs: ['build'], variables: {}, script: ['npm test'] },
    { name: 'deploy', stage: 'deploy', when: 'manual', allow_failure: false, needs: null, variables: {}, script: ['ship'] },
  ]);
});

test('lint of an invalid file lists every problem with line and column, exit 1', async () => {
  const dir = repo({ 'ci.yml': 'build:\n  stage: nope\n  script: [x]\ntest:\n  script: [x]\n  scirpt: [y]\n' });
  const { code, out } = await run(dir, ['ci.yml', '--format=json']);
  assert.equal(code, 1);
  const json = JSON.parse(out);
  assert.equal(json.valid, false);
  assert.deepEqual(json.diagnostics.map((d: { message: string; line: number; column: number; file: string }) => [d.file, d.line, d.column, d.message]), [
    ['ci.yml', 2, 10, 'build job: chosen stage does not exist; available stages are .pre, build, test, deploy, .post'],
    ['ci.yml', 6, 3, 'jobs:test config contains unknown keys: scirpt'],
  ]);
});

test('lint text output, rules:changes from --changed, run variables from --variable', async () => {
  const dir = repo({ '.gitlab-ci.yml': 'docs:\n  script: [x]\n  rules:\n    - changes: [docs/*]\nflag:\n  script: [x]\n  rules:\n    - if: $FLAG == "on"\n' });
  const { code, out } = await run(dir, ['--changed', 'src/a.c', '--variable', 'FLAG=on']);
  assert.equal(code, 0);
  assert.match(out, /is valid/);
  assert.match(out, /flag/);
  assert.match(out, /excluded by rules\/only\/except: docs/);
});

test('usage errors exit 2; --help exits 0', async () => {
  const dir = repo({});
  assert.equal((await run(dir, [])).code, 2, 'missing .gitlab-ci.yml');
  assert.equal((await run(dir, ['--format', 'xml'])).code, 2);
  assert.equal((await run(dir, ['--source', 'carrier-pigeon'])).code, 2);
  assert.equal((await run(dir, ['--variable', 'NOEQUALS'])).code, 2);
  assert.equal((await run(dir, ['--bogus'])).code, 2);
  const help = await run(dir, ['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: runnel lint/);
});
