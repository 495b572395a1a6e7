import { AppError, createLogger, isAppError, systemClock } from '../shared/index.js';
import { createAccounts, createProjects } from '../server/engine/index.js';
import { knownMigrations, type Store } from '../server/store/index.js';
import type { Command } from './commands.js';
import { EXIT, type CommandIo } from './io.js';
import { configFrom, SERVER_OPTIONS, SERVER_OPTION_HELP } from './serve-command.js';
import { openStore } from './open-store.js';
import { join } from 'node:path';
import { createRepositoryHost } from '../server/git/index.js';

/** Opens the store named by the server options, runs `fn`, closes; AppErrors become messages. */
async function withStore(values: Record<string, unknown>, io: CommandIo, fn: (store: Store, dataDir: string) => Promise<number>): Promise<number> {
  const config = configFrom(values, io);
  if (!config) return EXIT.usage;
  const store = await openStore(config);
  try {
    return await fn(store, config.dataDir);
  } catch (error) {
    if (isAppError(error)) {
      const details = error.details ? ' (' + Object.entries(error.details).map(([k, v]) => `${k} ${v.join(', ')}`).join('; ') + ')' : '';
      io.stderr.write(`runnel: ${error.message}${details}\n`);
      return error.kind === 'invalid' ? EXIT.usage : EXIT.failed;
    }
    throw error;
  } finally {
    await store.close();
  }
}

function quietLogger() { return createLogger({ level: 'warn', destination: process.stderr }); }

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply database migrations that have not been applied yet (serve also does this at start).',
  usage: 'runnel migrate [--data-dir DIR] [--database-url URL]',
  options: { ...SERVER_OPTIONS },
  optionHelp: SERVER_OPTION_HELP,
  async run({ values }, io) {
    return withStore(values, io, async () => {
      io.stdout.write(`database is at the latest version (${knownMigrations().at(-1)})\n`);
      return EXIT.ok;
    });
  },
};

export const tokenCommand: Command = {
  name: 'token',
  summary: 'Manage personal access tokens. Sub-commands: create, list, revoke. A new token is printed once.',
  usage: 'runnel token create --user NAME --scopes S1,S2 [--name N] [--expires-at YYYY-MM-DD] | token list --user NAME | token revoke --id N',
  allowPositionals: true,
  options: { ...SERVER_OPTIONS, user: { type: 'string' }, scopes: { type: 'string' }, name: { type: 'string' }, 'expires-at': { type: 'string' }, id: { type: 'string' } },
  optionHelp: [
    ['--user NAME', 'the token owner (create, list)'],
    ['--scopes LIST', 'comma-separated: api, read_api, read_repository, write_repository, EXECUTION_INFO, EXECUTION_RUN, EXECUTION_MANAGE, PIPELINE_READ, …'],
    ['--name N', 'a label for the token (default: cli)'],
    ['--expires-at DATE', 'expiry date (YYYY-MM-DD, UTC midnight); default: never'],
    ['--id N', 'the token to revoke'],
    ...SERVER_OPTION_HELP,
  ],
  async run({ values, positionals }, io) {
    const action = positionals[0];
    if (!action || !['create', 'list', 'revoke'].includes(action) || positionals.length > 1) {
      io.stderr.write('runnel token: expected one of: create, list, revoke\n');
      return EXIT.usage;
    }
    return withStore(values, io, async (store) => {
      const accounts = createAccounts({ store, clock: systemClock, logger: quietLogger() });
      if (action === 'revoke') {
        const id = Number(values.id);
        if (!Number.isInteger(id)) { io.stderr.write('runnel token revoke: --id N is required\n'); return EXIT.usage; }
        if (!(await accounts.revokeToken(id))) { io.stderr.write(`runnel: token ${id} not found or already revoked\n`); return EXIT.failed; }
        io.stdout.write(`token ${id} revoked\n`);
        return EXIT.ok;
      }
      const username = values.user as string | undefined;
      if (!username) { io.stderr.write(`runnel token ${action}: --user NAME is required\n`); return EXIT.usage; }
      const user = await store.users.byUsername(username);
      if (!user) throw new AppError('user_not_found', `user '${username}' not found`);
      if (action === 'list') {
        for (const t of await store.tokens.listForUser(user.id)) {
          const state = t.revoked ? 'revoked' : t.expiresAt !== null && t.expiresAt <= Date.now() ? 'expired' : 'active';
          io.stdout.write(`${t.id}\t${t.name}\t${t.scopes.join(',')}\t${state}\t${t.expiresAt ? new Date(t.expiresAt).toISOString().slice(0, 10) : 'never'}\n`);
        }
        return EXIT.ok;
      }
      const scopes = String(values.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      let expiresAt: number | null = null;
      if (typeof values['expires-at'] === 'string') {
        expiresAt = Date.parse(`${values['expires-at']}T00:00:00Z`);
        if (Number.isNaN(expiresAt)) { io.stderr.write('runnel token create: --expires-at must be YYYY-MM-DD\n'); return EXIT.usage; }
      }
      const { token, record } = await accounts.createToken({ userId: user.id, name: (values.name as string | undefined) ?? 'cli', scopes, expiresAt });
      io.stderr.write(`token ${record.id} created for ${user.username} with scopes ${scopes.join(',')}; it is shown once:\n`);
      io.stdout.write(`${token}\n`);
      return EXIT.ok;
    });
  },
};

export const userCommand: Command = {
  name: 'user',
  summary: 'Manage users. Sub-command: create. Each user gets a personal workspace named after them.',
  usage: 'runnel user create --username NAME [--name N] [--email E] [--admin] [--password P]',
  allowPositionals: true,
  options: { ...SERVER_OPTIONS, username: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' }, admin: { type: 'boolean' }, password: { type: 'string' } },
  optionHelp: [
    ['--username NAME', 'login name (letters, digits, _ - .)'],
    ['--name N', 'display name (default: the username)'],
    ['--email E', 'email address (default: NAME@runnel.local)'],
    ['--admin', 'make the user an administrator'],
    ['--password P', 'password for the web sign-in (at least 8 characters); without it, tokens only'],
    ...SERVER_OPTION_HELP,
  ],
  async run({ values, positionals }, io) {
    if (positionals[0] !== 'create' || positionals.length > 1) { io.stderr.write('runnel user: expected: create\n'); return EXIT.usage; }
    if (typeof values.username !== 'string') { io.stderr.write('runnel user create: --username NAME is required\n'); return EXIT.usage; }
    return withStore(values, io, async (store) => {
      const accounts = createAccounts({ store, clock: systemClock, logger: quietLogger() });
      const user = await accounts.createUser({
        username: values.username as string, name: values.name as string | undefined, email: values.email as string | undefined,
        admin: values.admin === true, password: values.password as string | undefined,
      });
      io.stdout.write(`user ${user.username} created (id ${user.id})\n`);
      return EXIT.ok;
    });
  },
};

export const projectCommand: Command = {
  name: 'project',
  summary: 'Manage projects. Sub-command: create WORKSPACE/PATH — makes the project and its git repository.',
  usage: 'runnel project create WORKSPACE/PATH [--name N] [--visibility private|internal|public] [--default-branch B] [--as USER]',
  allowPositionals: true,
  options: { ...SERVER_OPTIONS, name: { type: 'string' }, visibility: { type: 'string' }, 'default-branch': { type: 'string' }, as: { type: 'string' }, description: { type: 'string' } },
  optionHelp: [
    ['--name N', 'display name (default: the path)'],
    ['--visibility V', 'private (default), internal or public'],
    ['--default-branch B', 'default branch (default: main)'],
    ['--description D', 'a description'],
    ['--as USER', 'create as this user (default: root); the user needs developer rights in the workspace'],
    ...SERVER_OPTION_HELP,
  ],
  async run({ values, positionals }, io) {
    const full = positionals[1];
    if (positionals[0] !== 'create' || !full || positionals.length > 2) { io.stderr.write('runnel project: expected: create WORKSPACE/PATH\n'); return EXIT.usage; }
    const slash = full.lastIndexOf('/');
    const namespace = slash > 0 ? full.slice(0, slash) : undefined;
    const path = slash > 0 ? full.slice(slash + 1) : full;
    return withStore(values, io, async (store, dataDir) => {
      const username = (values.as as string | undefined) ?? 'root';
      const user = await store.users.byUsername(username);
      if (!user) throw new AppError('user_not_found', `user '${username}' not found`);
      const projects = createProjects({ store, clock: systemClock, repositories: createRepositoryHost({ reposDir: join(dataDir, 'repositories'), logger: quietLogger() }) });
      const project = await projects.create({
        path, name: values.name as string | undefined, namespace, visibility: values.visibility as string | undefined,
        defaultBranch: values['default-branch'] as string | undefined, description: values.description as string | undefined,
      }, { user });
      io.stdout.write(`project ${project.workspacePath}/${project.path} created (id ${project.id})\n`);
      return EXIT.ok;
    });
  },
};
