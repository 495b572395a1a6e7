import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../shared/index.js';
import { EXIT, processIo, type CommandIo } from './io.js';
import { runCommand, type Command } from './commands.js';

/**
 * The commands, in the order the overview lists them, each loaded only when used: a command's
 * module brings its whole stack (the server's brings Fastify and the HTTP layer, the admin
 * commands the engine), and start-up time is most of a short `runnel run` or `runnel lint`.
 */
const COMMANDS: Array<[name: string, load: () => Promise<Command>]> = [
  ['serve', async () => (await import('./serve-command.js')).serveCommand],
  ['runner', async () => (await import('./runner-command.js')).runnerCommand],
  ['runners', async () => (await import('./runner-command.js')).runnerAdminCommand],
  ['migrate', async () => (await import('./admin-commands.js')).migrateCommand],
  ['user', async () => (await import('./admin-commands.js')).userCommand],
  ['token', async () => (await import('./admin-commands.js')).tokenCommand],
  ['project', async () => (await import('./admin-commands.js')).projectCommand],
  ['lint', async () => (await import('./lint-command.js')).lintCommandSpec],
  ['run', async () => (await import('./run-command.js')).runLocalCommand],
];

async function loadCommand(name: string | undefined): Promise<Command | undefined> {
  const entry = COMMANDS.find(([n]) => n === name);
  return entry ? entry[1]() : undefined;
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

/** Loads every command (only for the overview, where start-up time does not matter). */
async function overview(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map(([, load]) => load()));
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Usage: runnel <command> [options]', '',
    'Runnel: a self-hosted CI/CD server speaking GitLab\'s and Buddy\'s pipeline APIs.', '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary.split('. ')[0]!.replace(/\.$/, '')}`),
    '', 'Run `runnel <command> --help` for a command\'s options. `runnel --version` prints the version.', '',
  ].join('\n');
}

/** The `runnel` command: dispatches to a sub-command and returns the process exit code. */
export async function main(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? await loadCommand(rest[0]) : undefined;
    if (target) return runCommand(target, ['--help'], io);
    io.stdout.write(await overview());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === 'version') {
    io.stdout.write(`runnel ${version()}\n`);
    return EXIT.ok;
  }
  const command = await loadCommand(name);
  if (!command) {
    io.stderr.write(`runnel: unknown command '${name}'\n\n${await overview()}`);
    return EXIT.usage;
  }
  try {
    return await runCommand(command, rest, io);
  } catch (error) {
    io.stderr.write(`runnel ${name}: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}
