import type { Command } from './commands.js';
import { lintCommand } from './lint.js';

/**
 * `runnel lint`: the options are parsed by the lint implementation itself (lint.ts); this spec
 * routes to it and carries the help text.
 */
export const lintCommandSpec: Command = {
  name: 'lint',
  summary: 'Check a .gitlab-ci.yml as GitLab would read it and print its diagnostics or the jobs it yields.',
  usage: 'runnel lint [FILE] [--ref R] [--tag] [--source S] [--variable K=V…] [--changed PATH…] [--format text|json]',
  allowPositionals: true,
  options: {
    ref: { type: 'string' }, tag: { type: 'boolean' }, source: { type: 'string' },
    variable: { type: 'string', multiple: true }, changed: { type: 'string', multiple: true }, format: { type: 'string' },
  },
  optionHelp: [
    ['FILE', 'the CI file (default: .gitlab-ci.yml in the current directory)'],
    ['--ref R', 'the branch or tag the run is for (default: main)'],
    ['--tag', 'the ref is a tag'],
    ['--source S', 'push (default), web, api, trigger, schedule, pipeline, parent_pipeline, merge_request_event'],
    ['--variable K=V', 'a run variable; repeatable'],
    ['--changed PATH', 'a changed path for rules:changes; repeatable'],
    ['--format F', 'text (default) or json'],
  ],
  passthrough: true,
  run: ({ positionals }, io) => lintCommand(positionals, { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd }),
};
