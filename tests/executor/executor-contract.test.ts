/**
 * The contract every Executor must pass (see src/executor/executor.ts), run through runJob against
 * each executor this machine has: shell always, sandbox when bubblewrap works, docker when an
 * engine answers (otherwise the suite is skipped and says why).
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import {
  createDirCacheStore, createDockerExecutor, createSandboxExecutor, createShellExecutor, dockerAvailable,
  runJob, sandboxAvailable, type Executor, type JobResult, type RunJobOptions,
} from '../../src/executor/index.js';
import type { JobPayload } from '../../src/protocol/index.js';
import { extractZip } from '../../src/executor/zip-archive.js';
import { archiveSpec, makePayload, memoryArtifacts, memorySink, processWithMarker, tempDir, variable } from './job-fixtures.js';

interface Subject {
  name: string;
  create(): Executor;
  image?: JobPayload['image'];
  skip: string | false;
}

const dockerReason = await dockerAvailable();
const sandboxReason = sandboxAvailable();
const subjects: Subject[] = [
  { name: 'shell', create: () => createShellExecutor(), skip: false },
  { name: 'sandbox', create: () => createSandboxExecutor(), skip: sandboxReason ?? false },
  { name: 'docker', create: () => createDockerExecutor(), image: { name: 'debian:bookworm-slim' }, skip: dockerReason ?? false },
];

async function run(subject: Subject, payload: JobPayload, options: Partial<RunJobOptions> = {}) {
  const sink = memorySink();
  const artifacts = memoryArtifacts();
  const executor = subject.create();
  const cache = options.buildsRoot ? createDirCacheStore(join(options.buildsRoot, 'cache')) : createDirCacheStore(tempDir('cache'));
  const result: JobResult = await runJob({ ...payload, image: subject.image ?? payload.image }, { executor, log: sink, artifacts, cache }, {
    buildsRoot: tempDir('builds'), killGraceMs: 500, ...options,
  });
  return { result, log: sink.text(), sink, artifacts, executor };
}

for (const subject of subjects) {
  describe(`executor contract: ${subject.name}`, { skip: subject.skip }, () => {
    test('echo output reaches the log, the job succeeds, sections are marked', async () => {
      const { result, log } = await run(subject, makePayload({ script: ['echo "hello from $CI_JOB_NAME"'], variables: [variable('GIT_STRATEGY', 'none'), variable('CI_JOB_NAME', 'build')] }));
      assert.equal(result.status, 'success');
      assert.match(log, /\$ echo "hello from \$CI_JOB_NAME"/);
      assert.match(log, /\nhello from build\n/);
      const ESC = String.fromCharCode(27);
      assert.ok(log.includes(`:step_script\r${ESC}[0K`), 'section_start marker with \\r ESC[0K');
      assert.match(log, /section_start:\d+:step_script\r/);
      assert.match(log, /section_end:\d+:step_script\r/);
      assert.match(log, /section_start:\d+:prepare_executor/);
      assert.match(log, /Job succeeded/);
    });

    test('a failing command fails the job with script_failure and its exit code, later commands do not run', async () => {
      const { result, log } = await run(subject, makePayload({ script: ['echo before', 'exit 3', 'echo after'], allow_failure_exit_codes: [3] }));
      assert.equal(result.status, 'failed');
      assert.equal(result.failureReason, 'script_failure');
      assert.equal(result.exitCode, 3);
      assert.equal(result.allowedFailure, true);
      assert.ok(!log.includes('\nafter\n'));
      assert.match(log, /ERROR: Job failed: exit code 3/);
    });

    test('before_script and script share one shell; after_script runs in a fresh one and sees CI_JOB_STATUS', async () => {
      const { result, log } = await run(subject, makePayload({
        script: ['mkdir -p sub && cd sub', 'export SHARED=yes', 'echo "state: $(basename "$PWD") $SHARED"', 'false'],
        afterScript: ['echo "after: $(basename "$PWD") ${SHARED:-unset} $CI_JOB_STATUS"', 'exit 9'],
      }));
      assert.match(log, /\nstate: sub yes\n/);
      assert.match(log, /\nafter: project unset failed\n/);
      assert.match(log, /after_script failed, but job will continue unaffected/);
      assert.equal(result.failureReason, 'script_failure');
      assert.equal(result.exitCode, 1);
    });

    test('a failing after_script does not fail a successful job', async () => {
      const { result, log } = await run(subject, makePayload({ script: ['true'], afterScript: ['echo "status=$CI_JOB_STATUS"', 'exit 1'] }));
      assert.equal(result.status, 'success');
      assert.match(log, /status=success/);
    });

    test('a masked secret printed in pieces across chunks never appears in the log', async () => {
      const secret = 'Sup3rS3cretValue!';
      const { result, log } = await run(subject, makePayload({
        variables: [variable('GIT_STRATEGY', 'none'), variable('TOKEN', secret, { masked: true, public: false })],
        script: ['printf "a=%s" "${TOKEN:0:5}"; sleep 0.2; printf "%s\\n" "${TOKEN:5}"', 'echo "b=$TOKEN"'],
      }));
      assert.equal(result.status, 'success');
      assert.ok(!log.includes(secret));
      assert.match(log, /a=\[MASKED\]\n/);
      assert.match(log, /b=\[MASKED\]\n/);
    });

    test('the job timeout kills the whole process tree, including a child that ignores SIGTERM', async () => {
      const marker = `runnel-marker-${subject.name}-${process.pid}-${Date.now()}`;
      const started = Date.now();
      const { result, log } = await run(subject, makePayload({
        runner_info: { timeout: 1 },
        script: [`(trap '' TERM; exec -a ${marker} sleep 300) & (exec -a ${marker} sleep 300) & exec -a ${marker} sleep 300`],
      }));
      assert.equal(result.status, 'failed');
      assert.equal(result.failureReason, 'job_execution_timeout');
      assert.match(log, /execution took longer than 1 seconds/);
      assert.ok(Date.now() - started < 6000, 'stopped within timeout + grace');
      assert.deepEqual(processWithMarker(marker), []);
    });

    test('cancel stops the job promptly and leaves no process behind', async () => {
      const marker = `runnel-cancel-${subject.name}-${process.pid}-${Date.now()}`;
      const controller = new AbortController();
      const poll = setInterval(() => {
        if (processWithMarker(marker).length >= 2) controller.abort();
      }, 50);
      const started = Date.now();
      const { result, log } = await run(subject, makePayload({
        script: [`(exec -a ${marker} sleep 300) & exec -a ${marker} sleep 300`],
        afterScript: ['echo after-ran'],
      }), { signal: controller.signal });
      clearInterval(poll);
      assert.equal(result.status, 'canceled');
      assert.equal(result.failureReason, undefined);
      assert.ok(Date.now() - started < 5000, 'canceled promptly');
      assert.ok(!log.includes('after-ran'), 'after_script is skipped on cancel');
      assert.deepEqual(processWithMarker(marker), []);
    });

    test('cleanup is idempotent and safe without prepare', async () => {
      const fresh = subject.create();
      await fresh.cleanup();
      await fresh.cleanup();
      const { executor, result } = await run(subject, makePayload({ script: ['true'] }));
      assert.equal(result.status, 'success');
      await executor.cleanup();
      await executor.cleanup();
    });

    test('artifacts: the zip holds the matched files, exclusions apply, ../ escapes are refused', async () => {
      const { result, artifacts, log } = await run(subject, makePayload({
        script: ['mkdir -p out/deep logs', 'echo a > out/a.txt', 'echo b > out/deep/b.txt', 'echo s > out/skip.tmp', 'echo l > logs/x.log', 'echo top > top.log'],
        artifacts: [archiveSpec(['out/', '**/*.log', '../escape', '/etc/passwd'], { exclude: ['out/*.tmp'] })],
      }));
      assert.equal(result.status, 'success');
      assert.equal(artifacts.uploads.length, 1);
      const dest = tempDir('unzipped');
      await extractZip(artifacts.uploads[0]?.copy as string, dest);
      const listing = (dir: string, prefix = ''): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? listing(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
      assert.deepEqual(listing(dest).sort(), ['logs/x.log', 'out/a.txt', 'out/deep/b.txt', 'top.log']);
      assert.match(log, /\.\.\/escape: not supported: outside the project directory/);
      assert.match(log, /\/etc\/passwd: not supported: outside the project directory/);
    });

    test('a cache saved by one job is restored by the next job with the same key', async () => {
      const root = tempDir('cache-root');
      const cache = { key: 'deps-main', untracked: false, paths: ['vendor/'], policy: 'pull-push' as const, when: 'on_success' as const, fallback_keys: [] };
      const first = await run(subject, makePayload({ script: ['mkdir -p vendor', 'echo cached-content > vendor/lib.txt'], cache: [cache] }), { buildsRoot: root });
      assert.equal(first.result.status, 'success');
      assert.match(first.log, /section_start:\d+:archive_cache/);
      const second = await run(subject, makePayload({ script: ['cat vendor/lib.txt'], cache: [{ ...cache, policy: 'pull', key: 'other', fallback_keys: ['deps-main'] }] }), { buildsRoot: root });
      assert.equal(second.result.status, 'success');
      assert.match(second.log, /Successfully extracted cache/);
      assert.match(second.log, /\ncached-content\n/);
    });

    test('the job sees a clean environment, not the runner\'s', async () => {
      process.env.RUNNEL_LEAK_CHECK = 'leaked';
      const { log } = await run(subject, makePayload({ script: ['echo "leak=${RUNNEL_LEAK_CHECK:-none} home=$HOME"'] }));
      delete process.env.RUNNEL_LEAK_CHECK;
      assert.match(log, /leak=none home=\/.*\/home\n/);
    });
  });
}

describe('sandbox guarantees', { skip: sandboxReason ?? false }, () => {
  const subject = subjects[1] as Subject;
  let secretDir: string;
  let secretFile: string;
  before(() => {
    secretDir = tempDir('server-data');
    writeFileSync(join(secretDir, 'db.sqlite'), 'database-secret');
    secretFile = join(tempDir('tokens'), 'runner-token');
    writeFileSync(secretFile, 'token-secret');
  });

  test('hidden paths cannot be read', async () => {
    const hidden: Subject = { ...subject, create: () => createSandboxExecutor({ hiddenPaths: [secretDir, secretFile] }) };
    const { result, log } = await run(hidden, makePayload({
      script: [`ls -A ${secretDir} | wc -l`, `cat ${secretDir}/db.sqlite || echo "dir hidden"`, `cat ${secretFile} || echo "file hidden"; echo "[$(cat ${secretFile} 2>/dev/null)]"`],
    }));
    assert.equal(result.status, 'success');
    assert.ok(!log.includes('database-secret'));
    assert.ok(!log.includes('token-secret'));
    assert.match(log, /\n0\n/);
    assert.match(log, /dir hidden/);
    assert.match(log, /\n\[\]\n/);
  });

  test('nothing outside the job directory is writable; /tmp is private', async () => {
    const outside = tempDir('outside');
    const marker = `sandbox-tmp-${Date.now()}`;
    const { result, log } = await run(subject, makePayload({
      script: [
        `touch ${outside}/x 2>/dev/null && echo "outside writable" || echo "outside refused"`,
        'mount -o remount,rw / 2>/dev/null || true', 'mount -t tmpfs none /usr 2>/dev/null || true',
        'touch /usr/runnel-x 2>/dev/null && echo "usr writable" || echo "usr refused"',
        'grep -q "^CapEff:[[:space:]]*0*$" /proc/self/status && echo "no capabilities"',
        `touch /tmp/${marker} && echo "tmp ok"`,
        'touch "$HOME/h" "$CI_PROJECT_DIR/p" && echo "job dir ok"',
      ],
    }));
    assert.equal(result.status, 'success');
    assert.match(log, /outside refused/);
    assert.match(log, /usr refused/);
    assert.match(log, /no capabilities/);
    assert.equal(existsSync('/usr/runnel-x'), false);
    assert.match(log, /tmp ok/);
    assert.match(log, /job dir ok/);
    assert.equal(existsSync(join(outside, 'x')), false);
    assert.equal(existsSync(`/tmp/${marker}`), false);
  });

  test('network: false cuts the job off a server the host can reach', async () => {
    const server: Server = createServer((socket) => {
      socket.on('error', () => undefined); // the probe hangs up without reading
      socket.end('pong\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const probe = `(exec 3<>/dev/tcp/127.0.0.1/${port} && echo "connected") 2>/dev/null || echo "no route"`;
    try {
      const online = await run(subject, makePayload({ script: [probe] }));
      assert.match(online.log, /\nconnected\n/);
      const offline = await run({ ...subject, create: () => createSandboxExecutor({ network: false }) }, makePayload({ script: [probe] }));
      assert.match(offline.log, /\nno route\n/);
    } finally {
      server.close();
    }
  });

  test('the job directory is still usable when it lives under a hidden directory', async () => {
    const data = tempDir('data-with-builds');
    mkdirSync(join(data, 'builds'));
    writeFileSync(join(data, 'secret.txt'), 'nested-secret');
    const hidden: Subject = { ...subject, create: () => createSandboxExecutor({ hiddenPaths: [data] }) };
    const { result, log } = await run(hidden, makePayload({ script: ['echo ok > file && cat file', `cat ${data}/secret.txt || true`] }), { buildsRoot: join(data, 'builds') });
    assert.equal(result.status, 'success');
    assert.ok(!log.includes('nested-secret'));
    assert.equal(readFileSync(join(data, 'secret.txt'), 'utf8'), 'nested-secret');
  });
});
