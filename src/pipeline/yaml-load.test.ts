import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from './limits.js';
import { Locations } from './locations.js';
import { loadYaml, parseYamlAhead } from './yaml-load.js';

const load = (text: string) => loadYaml(text, '.gitlab-ci.yml', new Locations(), { nodesLeft: LIMITS.maxYamlNodes });

const TEXTS = [
  'stages: [a, b]\njob:\n  stage: a\n  script: [echo "$X"]\n  only: yes\nbase: &b { image: x }\nother:\n  <<: *b\n  script: !reference [job, script]\n',
  'job:\n  script: [\n',
  'spec:\n  inputs: {}\n---\njob: { script: [true] }\n',
  '',
  'stages: [a]\njob:\n  stage: a\n  script:\n    - echo "$X"\n',
];

test('a text parsed ahead loads exactly as one parsed on the spot, once; other texts are not affected', () => {
  for (const text of TEXTS) {
    const fresh = load(text);
    parseYamlAhead(text);
    assert.deepEqual(load(text), fresh, JSON.stringify(text));
    assert.deepEqual(load(text), fresh, `${JSON.stringify(text)}, again (parsed anew)`);
  }
  parseYamlAhead(TEXTS[0]!);
  assert.deepEqual(load(TEXTS[2]!), load(TEXTS[2]!));
  assert.deepEqual(load(TEXTS[0]!).value, load(TEXTS[0]!).value);
});

test('a text over the size limit is not parsed ahead and still gets its diagnostic', () => {
  const big = `x: "${'y'.repeat(LIMITS.maxConfigBytes)}"\n`;
  parseYamlAhead(big);
  assert.match(load(big).diagnostics[0]!.message, /too big/);
});
