import { ANSI } from './log-format.js';

/**
 * Turns a step's commands into one bash script, the way gitlab-runner's bash shell does: errexit
 * and pipefail on, each command echoed as a green `$ command` line before it runs, the first
 * failing command ends the script with its exit code. All commands of one script share one shell
 * session (variables, `cd`, functions persist between them). Pure.
 */
export interface ScriptInput {
  commands: readonly string[];
  /** Directory the script starts in (the project directory). */
  cwd: string;
}

/** Quotes any text for bash as $'…' (ANSI-C quoting), safe for control characters. */
export function bashQuote(text: string): string {
  let out = "$'";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + "'";
}

/** What the log shows for a command: its first line, marked when lines were folded away. */
export function commandEcho(command: string): string {
  const lines = command.replace(/\n+$/, '').split('\n');
  const first = lines[0] ?? '';
  return lines.length > 1 ? `${first} # collapsed multi-line command` : first;
}

export function buildBashScript(input: ScriptInput): string {
  const lines = [
    'set -eo pipefail',
    'set +o noclobber',
    `cd -- ${bashQuote(input.cwd)}`,
  ];
  for (const command of input.commands) {
    if (command.trim() === '') continue;
    lines.push(`echo ${bashQuote(`${ANSI.boldGreen}$ ${commandEcho(command)}${ANSI.reset}`)}`);
    lines.push(command);
  }
  lines.push('');
  return lines.join('\n');
}
