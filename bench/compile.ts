/**
 * Compiler benchmark: a generated config with 1,000 jobs after expansion (hidden templates with
 * multi-level extends, parallel:matrix, needs, rules, !reference, a default section), compiled
 * N times. Prints min / median / max in ms and the command to repeat it.
 *
 *   node --import tsx bench/compile.ts [runs]
 */
import { compile } from '../src/pipeline/index.js';

const runs = Number(process.argv[2] ?? 20);

function generate(): string {
  const lines: string[] = [
    'stages: [build, test, deploy]',
    'default:',
    '  image: node:20',
    '  retry: 1',
    'variables:',
    '  GLOBAL: "1"',
    '.base:',
    '  before_script: [echo base]',
    '  variables: { BASE: "yes" }',
    '  cache: { key: deps, paths: [node_modules/] }',
    '.build:',
    '  extends: .base',
    '  stage: build',
    '  script: [make build]',
    '.test:',
    '  extends: .build',
    '  stage: test',
    '  script: [!reference [.build, script], make test]',
    '  rules:',
    '    - if: $CI_COMMIT_BRANCH == "main" && $GLOBAL == "1"',
    '    - when: never',
  ];
  // 100 build jobs, each with a 2x2 matrix = 400 jobs; 400 plain test jobs; 200 deploy jobs.
  for (let i = 0; i < 100; i++) {
    lines.push(`build-${i}:`, '  extends: .build', '  parallel:', '    matrix:', '      - OS: [linux, mac]', '        ARCH: [x64, arm]');
  }
  for (let i = 0; i < 400; i++) {
    lines.push(`test-${i}:`, '  extends: .test', `  needs:`, `    - job: build-${i % 100}`, '      parallel:', '        matrix:', '          - OS: linux', '            ARCH: x64');
  }
  for (let i = 0; i < 200; i++) {
    lines.push(`deploy-${i}:`, '  stage: deploy', '  script: [deploy]', `  needs: [test-${i}, test-${i + 200}]`, `  environment: { name: env-${i} }`);
  }
  return `${lines.join('\n')}\n`;
}

const config = generate();
const context = {
  ref: 'main', tag: false, sha: 'a'.repeat(40), source: 'push' as const, changedPaths: null,
  project: { id: 1, path: 'bench/project', namespace: 'bench', defaultBranch: 'main', url: 'http://localhost/bench/project' },
  pipeline: { id: 1, iid: 1 },
};
const reader = { readFile: () => null, listFiles: () => [] };

const first = await compile({ config, context, reader });
if (!first.plan) {
  console.error(first.diagnostics.slice(0, 5));
  process.exit(1);
}
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  await compile({ config, context, reader });
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const fmt = (n: number): string => n.toFixed(1);
console.log(`compile: ${first.plan.jobs.length} jobs, ${(config.length / 1024).toFixed(0)} KiB of YAML, ${runs} runs`);
console.log(`min ${fmt(times[0]!)} ms   median ${fmt(times[Math.floor(times.length / 2)]!)} ms   max ${fmt(times[times.length - 1]!)} ms`);
console.log('repeat: node --import tsx bench/compile.ts [runs]');
