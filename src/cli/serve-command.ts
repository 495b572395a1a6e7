import { createLogger } from '../shared/index.js';
import type { Command } from './commands.js';
import { ConfigError, loadConfig } from './config.js';
import { EXIT, type CommandIo } from './io.js';

export const SERVER_OPTIONS = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
} as const;

export const SERVER_OPTION_HELP: Array<[string, string]> = [
  ['--config FILE', 'YAML or JSON settings file (also RUNNEL_CONFIG)'],
  ['--data-dir DIR', 'where Runnel keeps its data (also RUNNEL_DATA_DIR; default ./.runnel)'],
  ['--database-url URL', 'postgres://… to use PostgreSQL instead of SQLite (also RUNNEL_DATABASE_URL)'],
];

/** Reads the configuration, printing every problem and returning exit code 2 on failure. */
export function configFrom(values: Record<string, unknown>, io: CommandIo) {
  const flags: Record<string, string | boolean | undefined> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === 'string' || typeof v === 'boolean') flags[k] = v;
  if (values['no-network'] === true) flags.network = false;
  try {
    return loadConfig({ flags, env: io.env, cwd: io.cwd });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write('runnel: invalid configuration:\n' + error.problems.map((p) => `  ${p.source}: ${p.key}: ${p.reason}\n`).join(''));
      return null;
    }
    throw error;
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Start the Runnel server: HTTP APIs (GitLab v4, Buddy), git hosting, the web UI and the embedded runner.',
  usage: 'runnel serve [--port N] [--host H] [--data-dir DIR] [--database-url URL] [options]',
  options: {
    ...SERVER_OPTIONS,
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    'external-url': { type: 'string' },
    'log-level': { type: 'string' },
    concurrency: { type: 'string' },
    executor: { type: 'string' },
    'no-network': { type: 'boolean' },
    'job-lease': { type: 'string' },
    'log-limit': { type: 'string' },
  },
  optionHelp: [
    ['-p, --port N', 'port to listen on; 0 picks a free one (also RUNNEL_PORT; default 8080)'],
    ['--host H', 'address to listen on (also RUNNEL_HOST; default 127.0.0.1)'],
    ...SERVER_OPTION_HELP,
    ['--external-url URL', 'URL users reach Runnel at, used in links (also RUNNEL_EXTERNAL_URL)'],
    ['--log-level L', 'fatal|error|warn|info|debug|trace|silent (also RUNNEL_LOG_LEVEL; default info)'],
    ['--concurrency N', 'jobs the embedded runner runs at once; 0 disables it (default: CPU count)'],
    ['--executor E', 'auto|shell|sandbox|docker for the embedded runner (default auto: sandbox when bwrap works)'],
    ['--no-network', 'cut the network for sandboxed jobs'],
    ['--log-limit BYTES', 'cut a job\'s log at this size with a truncation line (default 4194304)'],
    ['--job-lease SECONDS', 'a running job whose runner is silent this long fails with runner_system_failure (default 60)'],
  ],
  async run({ values }, io) {
    const config = configFrom(values, io);
    if (!config) return EXIT.usage;
    const logger = createLogger({ level: config.logLevel, destination: io.stderr });
    // Loaded here, not at start: the HTTP layer is the server's alone (`runnel run` never needs it).
    const { startServer } = await import('./server-runtime.js');
    const server = await startServer(config, logger);
    io.stdout.write(`Runnel is listening on ${server.url}\n`);
    io.stdout.write(`Data directory: ${config.dataDir}${config.databaseUrl ? ' (database: PostgreSQL)' : ''}\n`);
    if (server.rootToken) {
      io.stdout.write(server.rootToken.generated
        ? `Sign in as 'root' with this token (shown once, keep it): ${server.rootToken.token}\n`
        : `Sign in as 'root' with the token from RUNNEL_INITIAL_ROOT_TOKEN.\n`);
    } else {
      io.stdout.write(`Sign in as 'root' with its token; make another with: runnel token create --user root --scopes api\n`);
    }
    io.stdout.write(`Try: curl -H "PRIVATE-TOKEN: <token>" ${server.url}/api/v4/user\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        server.close().then(resolve, (error: unknown) => { logger.error({ err: error }, 'shutdown failed'); resolve(); });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    return EXIT.ok;
  },
};
