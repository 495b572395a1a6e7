import { mkdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, randomId, systemClock } from '../shared/index.js';
import { createRunners } from '../server/engine/index.js';
import { createDirCacheStore, createShellExecutor, createSandboxExecutor, sandboxAvailable } from '../executor/index.js';
import { createHttpConnection, createRunner } from '../runner/index.js';
import type { Command } from './commands.js';
import { EXIT } from './io.js';
import { configFrom, SERVER_OPTIONS, SERVER_OPTION_HELP } from './serve-command.js';
import { openStore } from './open-store.js';

/**
 * `runnel runner`: the same runner code as the embedded one, in its own process, talking to a
 * server over GitLab's runner API. A registration token (rnlreg-…) registers a new runner first;
 * a runner token (rnlrt-…) is verified and used as it is.
 */
export const runnerCommand: Command = {
  name: 'runner',
  summary: 'Run jobs for a Runnel server from this machine (a remote runner speaking GitLab\'s runner API).',
  usage: 'runnel runner --url URL --token TOKEN [--concurrency N] [--executor shell|sandbox] [--tags a,b] [--builds-dir DIR]',
  options: {
    url: { type: 'string' }, token: { type: 'string' }, concurrency: { type: 'string' }, executor: { type: 'string' },
    tags: { type: 'string' }, 'run-untagged': { type: 'boolean' }, description: { type: 'string' }, 'builds-dir': { type: 'string' },
    'cache-dir': { type: 'string' }, 'no-network': { type: 'boolean' }, 'log-level': { type: 'string' },
  },
  optionHelp: [
    ['--url URL', 'the server, e.g. http://ci.example.com:8080'],
    ['--token TOKEN', 'a runner token (rnlrt-…), or a registration token (rnlreg-…) to register a new runner'],
    ['--concurrency N', 'jobs run at once (default 1)'],
    ['--executor E', 'shell or sandbox (default: sandbox when bubblewrap works, else shell)'],
    ['--tags LIST', 'tags of a newly registered runner (comma-separated)'],
    ['--run-untagged', 'a newly registered runner also takes untagged jobs (default when no tags are given)'],
    ['--description D', 'description of a newly registered runner (default: the host name)'],
    ['--builds-dir DIR', 'where jobs run (default: a folder under the system temp dir, deleted when the runner stops)'],
    ['--cache-dir DIR', 'where caches are kept (default: beside the builds dir)'],
    ['--no-network', 'cut the network for sandboxed jobs'],
    ['--log-level L', 'fatal|error|warn|info|debug (default info)'],
  ],
  async run({ values }, io) {
    const url = values.url as string | undefined;
    let token = values.token as string | undefined;
    if (!url || !token) { io.stderr.write('runnel runner: --url and --token are required\n'); return EXIT.usage; }
    const concurrency = Number(values.concurrency ?? 1);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) { io.stderr.write('runnel runner: --concurrency must be 1..256\n'); return EXIT.usage; }
    const wanted = (values.executor as string | undefined) ?? 'auto';
    if (!['auto', 'shell', 'sandbox'].includes(wanted)) { io.stderr.write('runnel runner: --executor must be shell or sandbox\n'); return EXIT.usage; }
    const logger = createLogger({ level: ((values['log-level'] as string | undefined) ?? 'info') as 'info', destination: io.stderr });
    const base = url.replace(/\/+$/, '');
    if (token.startsWith('rnlreg-')) {
      const tags = String(values.tags ?? '').split(',').map((t) => t.trim()).filter(Boolean);
      const res = await fetch(`${base}/api/v4/runners`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, description: values.description ?? hostname(), tag_list: tags, run_untagged: values['run-untagged'] === true || tags.length === 0 }),
      });
      if (res.status !== 201) { io.stderr.write(`runnel runner: registration refused (HTTP ${res.status})\n`); return EXIT.failed; }
      token = ((await res.json()) as { token: string }).token;
      io.stdout.write(`registered; runner token (keep it to restart this runner): ${token}\n`);
    }
    const systemId = `s_${randomId(6)}`;
    const connection = createHttpConnection({ url: base, token, systemId, version: '0.1.0' });
    try {
      const verified = await connection.verify();
      io.stdout.write(`runner ${verified.id} connected to ${base}\n`);
    } catch (error) {
      io.stderr.write(`runnel runner: ${(error as Error).message}\n`);
      return EXIT.failed;
    }
    // Without --builds-dir the builds (and, without --cache-dir, the cache) live in a directory of
    // this process only, deleted when it stops; directories given are the user's and are kept.
    const ownDir = values['builds-dir'] === undefined ? join(tmpdir(), `runnel-runner-${process.pid}`) : null;
    const buildsRoot = (values['builds-dir'] as string | undefined) ?? join(ownDir!, 'builds');
    const cacheDir = (values['cache-dir'] as string | undefined) ?? join(buildsRoot, '..', 'cache');
    mkdirSync(buildsRoot, { recursive: true });
    const problem = sandboxAvailable();
    const useSandbox = wanted === 'sandbox' || (wanted === 'auto' && problem === null);
    if (wanted === 'sandbox' && problem) { io.stderr.write(`runnel runner: sandbox unavailable: ${problem}\n`); return EXIT.failed; }
    const runner = createRunner({
      connection, concurrency, buildsRoot, cache: createDirCacheStore(cacheDir), logger,
      executorFor: () => (useSandbox ? createSandboxExecutor({ network: values['no-network'] !== true }) : createShellExecutor()),
      // Matches X-GitLab-Trace-Update-Interval (3 s): well inside the server's job lease.
      keepAliveMs: 3_000,
    });
    runner.start();
    io.stdout.write(`taking jobs (executor: ${useSandbox ? 'sandbox' : 'shell'}, concurrency ${concurrency})\n`);
    await new Promise<void>((resolve) => {
      const stop = () => { void runner.stop({ cancelRunning: true }).then(resolve); };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    return EXIT.ok;
  },
};

/** `runnel runners`: make registration tokens and runners on the server's database. */
export const runnerAdminCommand: Command = {
  name: 'runners',
  summary: 'Manage runners. Sub-commands: registration-token (print a new one), create (print a runner token), list.',
  usage: 'runnel runners registration-token | runners create [--tags a,b] [--description D] | runners list',
  allowPositionals: true,
  options: { ...SERVER_OPTIONS, tags: { type: 'string' }, description: { type: 'string' } },
  optionHelp: [
    ['--tags LIST', 'tags of the created runner (comma-separated); untagged jobs too when none'],
    ['--description D', 'description of the created runner'],
    ...SERVER_OPTION_HELP,
  ],
  async run({ values, positionals }, io) {
    const action = positionals[0];
    if (!['registration-token', 'create', 'list'].includes(action ?? '') || positionals.length > 1) {
      io.stderr.write('runnel runners: expected one of: registration-token, create, list\n');
      return EXIT.usage;
    }
    const config = configFrom(values, io);
    if (!config) return EXIT.usage;
    const store = await openStore(config);
    try {
      const runners = createRunners({ store, clock: systemClock });
      if (action === 'registration-token') {
        io.stdout.write(`${await runners.createRegistrationToken()}\n`);
      } else if (action === 'create') {
        const tags = String(values.tags ?? '').split(',').map((t) => t.trim()).filter(Boolean);
        const { runner, token } = await runners.create({ description: (values.description as string | undefined) ?? '', tags, runUntagged: tags.length === 0 });
        io.stderr.write(`runner ${runner.id} created; its token is shown once:\n`);
        io.stdout.write(`${token}\n`);
      } else {
        for (const r of await store.runners.list()) {
          io.stdout.write(`${r.id}\t${r.kind}\t${r.description}\t${r.tags.join(',')}\t${r.contactedAt ? new Date(r.contactedAt).toISOString() : 'never'}\n`);
        }
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
