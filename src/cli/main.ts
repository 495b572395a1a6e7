import { readFileSync } from 'node:fs';
import { EXIT, processIo, type CommandIo } from './io.js';
import { runCommand, type Command } from './commands.js';
import { serveCommand } from './serve-command.js';
import { migrateCommand, projectCommand, tokenCommand, userCommand } from './admin-commands.js';
import { lintCommandSpec } from './lint-command.js';
import { runnerCommand, runnerAdminCommand } from './runner-command.js';
import { runLocalCommand } from './run-command.js';

const COMMANDS: Command[] = [serveCommand, runnerCommand, runnerAdminCommand, migrateCommand, userCommand, tokenCommand, projectCommand, lintCommandSpec, runLocalCommand];

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: runnel <command> [options]', '',
    'Runnel: a self-hosted CI/CD server speaking GitLab\'s and Buddy\'s pipeline APIs.', '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary.split('. ')[0]!.replace(/\.$/, '')}`),
    '', 'Run `runnel <command> --help` for a command\'s options. `runnel --version` prints the version.', '',
  ].join('\n');
}

/** The `runnel` command: dispatches to a sub-command and returns the process exit code. */
export async function main(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    if (target) return runCommand(target, ['--help'], io);
    io.stdout.write(overview());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === 'version') {
    io.stdout.write(`runnel ${version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`runnel: unknown command '${name}'\n\n${overview()}`);
    return EXIT.usage;
  }
  try {
    return await runCommand(command, rest, io);
  } catch (error) {
    io.stderr.write(`runnel ${name}: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}
