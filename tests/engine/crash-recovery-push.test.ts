import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { git, gitAsync, gitEnv, makeWorkingRepo } from '../support/git.js';
import { waitFor, TERMINAL } from '../support/wait.js';

// A restart on the same data directory (SQLite): not repeated on PostgreSQL, whose test
// databases live as long as one server.
describe('a push whose git process died before its hook ran', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'runnel-lost-push-'));
  let server: TestServer | null = null;
  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is found at the next start from the repository refs and runs like any push', async () => {
    server = await startTestServer({ dataDir, runnerConcurrency: 1 });
    const project = await server.projects.create({ name: 'lost' }, { user: (await server.store.users.byUsername('root'))! });
    const bare = server.host.pathOf(project.workspacePath, project.path);
    const repo = makeWorkingRepo({ '.gitlab-ci.yml': 'job:\n  script: [echo "on $CI_COMMIT_REF_NAME"]\n' });
    // Over HTTP (asynchronously: this very process answers it), as a user pushes.
    const url = `http://root:${server.rootToken.token}@${new URL(server.url).host}/${project.workspacePath}/${project.path}.git`;
    const pushed = await gitAsync(repo.dir, ['push', '-q', url, 'HEAD:refs/heads/main']);
    assert.equal(pushed.code, 0, pushed.stderr);
    await waitFor('first run', async () => (await server!.store.runs.list({ projectId: project.id, excludeChildren: true, orderBy: 'id', sort: 'asc', offset: 0, limit: 10 })).some((r) => TERMINAL.has(r.status)), 30_000);
    await server.close();

    // What a killed `git receive-pack` leaves: refs moved, objects there, no hook, no journal.
    const first = repo.sha;
    const second = git(bare, ['commit-tree', `${first}^{tree}`, '-p', first, '-m', 'lost push'], gitEnv()).trim();
    git(bare, ['update-ref', 'refs/heads/main', second, first], gitEnv());
    git(bare, ['update-ref', 'refs/heads/feature', second], gitEnv());
    git(bare, ['tag', 'v1', first], gitEnv());

    server = await startTestServer({ dataDir, runnerConcurrency: 1 });
    const runs = await waitFor('runs of the recovered push', async () => {
      const list = await server!.store.runs.list({ projectId: project.id, excludeChildren: true, orderBy: 'id', sort: 'asc', offset: 0, limit: 10 });
      return list.length === 4 && list.every((r) => TERMINAL.has(r.status)) ? list : null;
    }, 30_000);
    assert.deepEqual(runs.slice(1).map((r) => [r.ref, r.sha, r.source, r.status]).sort(), [
      ['feature', second, 'push', 'success'], ['main', second, 'push', 'success'], ['v1', first, 'push', 'success'],
    ]);
    const main = runs.find((r) => r.id !== runs[0]!.id && r.ref === 'main')!;
    assert.equal(main.beforeSha, first, 'the recovered push says where main was before');
    const events = await server.store.pushEvents.listForProject(project.id);
    assert.equal(events.length, 4);
    assert.ok(events.slice(1).every((e) => e.userId === null));

    // Recorded now: the next start finds nothing more to recover.
    await server.close();
    server = await startTestServer({ dataDir, runnerConcurrency: 1 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal((await server.store.pushEvents.listForProject(project.id)).length, 4);
  });
});
