import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { bashQuote, buildBashScript, commandEcho } from './shell-script.js';

test('bashQuote survives quotes, backslashes and control characters', () => {
  const text = `it's a "test" \\ $HOME \n\t\x1b[0m`;
  const out = execFileSync('bash', ['-c', `printf '%s' ${bashQuote(text)}`]).toString();
  assert.equal(out, text);
});

test('multi-line commands are echoed by their first line', () => {
  assert.equal(commandEcho('if true; then\n  echo x\nfi\n'), 'if true; then # collapsed multi-line command');
});

test('the script stops at the first failing command with its exit code', () => {
  const script = buildBashScript({ commands: ['echo one', '(exit 7)', 'echo never'], cwd: '/' });
  let status = 0;
  let out = '';
  try {
    execFileSync('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    status = (error as { status: number }).status;
    out = (error as { stdout: Buffer }).stdout.toString();
  }
  assert.equal(status, 7);
  assert.match(out, /\$ echo one/);
  assert.ok(!out.includes('never'));
});

test('a failure inside a pipeline fails the script (pipefail)', () => {
  const script = buildBashScript({ commands: ['false | cat', 'echo never'], cwd: '/' });
  assert.throws(() => execFileSync('bash', ['-c', script], { stdio: 'ignore' }));
});
