import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, type CommandIo } from './io.js';

/** A sub-command: its options (node:util parseArgs form), its help text, and what it does. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** One line per option, in the order shown by --help. */
  optionHelp: Array<[string, string]>;
  allowPositionals?: boolean;
  /** The command parses its own arguments: `run` gets them untouched as positionals. */
  passthrough?: boolean;
  run(args: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }, io: CommandIo): Promise<number>;
}

export function helpText(command: Command): string {
  const width = Math.max(...command.optionHelp.map(([flag]) => flag.length), 10) + 2;
  const lines = [`Usage: ${command.usage}`, '', command.summary, '', 'Options:'];
  for (const [flag, text] of [...command.optionHelp, ['-h, --help', 'show this help'] as [string, string]]) lines.push(`  ${flag.padEnd(width)}${text}`);
  return lines.join('\n') + '\n';
}

export async function runCommand(command: Command, argv: string[], io: CommandIo): Promise<number> {
  if (command.passthrough && !argv.includes('--help') && !argv.includes('-h')) return command.run({ values: {}, positionals: argv }, io);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: command.allowPositionals ?? false, strict: true });
  } catch (error) {
    io.stderr.write(`runnel ${command.name}: ${(error as Error).message}\n\n${helpText(command)}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.stdout.write(helpText(command));
    return EXIT.ok;
  }
  return command.run({ values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals }, io);
}
