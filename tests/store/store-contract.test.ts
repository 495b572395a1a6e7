import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/databases.js';
import type { Run, Store } from '../../src/server/store/index.js';

// One contract, every database: the same assertions run on SQLite and on PostgreSQL.
for (const target of await testDatabases()) {
  describe(`store contract on ${target.name}`, { skip: target.skip ?? false }, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    before(async () => { ({ store, dispose } = await target.open()); });
    after(async () => { await dispose?.(); });

    it('stores users and finds them by username case-insensitively', async () => {
      const u = await store.users.insert({ username: 'Alice', name: 'Alice A', email: 'a@example.com', admin: false, createdAt: 1000 });
      assert.equal((await store.users.byUsername('alice'))?.id, u.id);
      assert.equal((await store.users.byId(u.id))?.admin, false);
      await assert.rejects(store.users.insert({ username: 'ALICE', name: 'x', email: 'x@example.com', admin: false, createdAt: 1 }));
    });

    it('keeps token digests unique, parses scopes, and revokes once', async () => {
      const u = await store.users.insert({ username: 'tok', name: 't', email: 't@example.com', admin: false, createdAt: 1 });
      const t = await store.tokens.insert({ userId: u.id, name: 'ci', digest: 'd'.repeat(64), scopes: ['api', 'WORKSPACE'], expiresAt: 5000, createdAt: 2 });
      const found = await store.tokens.byDigest('d'.repeat(64));
      assert.deepEqual(found?.scopes, ['api', 'WORKSPACE']);
      assert.equal(found?.expiresAt, 5000);
      assert.equal(await store.tokens.revoke(t.id), true);
      assert.equal(await store.tokens.revoke(t.id), false);
      assert.equal((await store.tokens.byId(t.id))?.revoked, true);
      await assert.rejects(store.tokens.insert({ userId: u.id, name: 'dup', digest: 'd'.repeat(64), scopes: [], expiresAt: null, createdAt: 3 }));
    });

    it('resolves projects by full path and filters the list by visibility and membership', async () => {
      const owner = await store.users.insert({ username: 'own', name: 'o', email: 'o@example.com', admin: false, createdAt: 1 });
      const other = await store.users.insert({ username: 'oth', name: 'x', email: 'x2@example.com', admin: false, createdAt: 1 });
      const ws = await store.workspaces.insert({ path: 'Team', name: 'Team', kind: 'group', ownerUserId: null, createdAt: 1 });
      await store.workspaces.setMember(ws.id, owner.id, 'owner', 1);
      const mk = (path: string, visibility: 'private' | 'internal' | 'public') => store.projects.insert({
        workspaceId: ws.id, path, name: path, description: '', visibility, defaultBranch: 'main', creatorId: owner.id, createdAt: 10,
      });
      const priv = await mk('secret', 'private');
      await mk('inside', 'internal');
      await mk('open', 'public');
      assert.equal((await store.projects.byFullPath('team', 'SECRET'))?.id, priv);
      const q = { orderBy: 'id' as const, sort: 'asc' as const, offset: 0, limit: 20 };
      const anon = await store.projects.list({ ...q, viewer: { userId: null, admin: false } });
      assert.deepEqual(anon.items.map((p) => p.path), ['open']);
      const stranger = await store.projects.list({ ...q, viewer: { userId: other.id, admin: false } });
      assert.deepEqual(stranger.items.map((p) => p.path), ['inside', 'open']);
      const member = await store.projects.list({ ...q, viewer: { userId: owner.id, admin: false } });
      assert.deepEqual(member.items.map((p) => p.path), ['secret', 'inside', 'open']);
      assert.equal(member.total, 3);
      await store.projects.setMember(priv, other.id, 'reporter', 2);
      assert.equal(await store.projects.memberRole(priv, other.id), 'reporter');
      const paged = await store.projects.list({ ...q, viewer: { userId: owner.id, admin: false }, offset: 1, limit: 1 });
      assert.deepEqual(paged.items.map((p) => p.path), ['inside']);
      assert.equal(paged.total, 3);
    });

    it('rolls back every write of a failed transaction', async () => {
      await assert.rejects(store.transaction(async (tx) => {
        await tx.users.insert({ username: 'ghost', name: 'g', email: 'g@example.com', admin: false, createdAt: 1 });
        throw new Error('boom');
      }));
      assert.equal(await store.users.byUsername('ghost'), null);
    });

    it('records push events and marks each processed exactly once', async () => {
      const ws = await store.workspaces.insert({ path: 'pushws', name: 'p', kind: 'group', ownerUserId: null, createdAt: 1 });
      const pid = await store.projects.insert({ workspaceId: ws.id, path: 'p', name: 'p', description: '', visibility: 'private', defaultBranch: 'main', creatorId: null, createdAt: 1 });
      const [e] = await store.pushEvents.insertMany([{ projectId: pid, userId: null, ref: 'refs/heads/main', beforeSha: '0'.repeat(40), afterSha: 'a'.repeat(40), createdAt: 5 }]);
      assert.ok(e);
      assert.equal((await store.pushEvents.unprocessed(10)).some((x) => x.id === e.id), true);
      assert.equal(await store.pushEvents.markProcessed(e.id, 6), true);
      assert.equal(await store.pushEvents.markProcessed(e.id, 7), false);
    });

    it('hands each queued job to exactly one of many racing claimants', async () => {
      const ws = await store.workspaces.insert({ path: 'queue', name: 'q', kind: 'group', ownerUserId: null, createdAt: 1 });
      const pid = await store.projects.insert({ workspaceId: ws.id, path: 'q', name: 'q', description: '', visibility: 'private', defaultBranch: 'main', creatorId: null, createdAt: 1 });
      const def = await store.definitions.insert({ projectId: pid, name: 'd', identifier: 'd', source: 'ci_file', isDefault: true, priority: 0, settings: {}, createdAt: 1 });
      const iids = await Promise.all(Array.from({ length: 10 }, () => store.projects.nextRunIid(pid)));
      assert.deepEqual([...iids].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'iids are unique under concurrency');
      const run = await store.runs.insert({
        projectId: pid, definitionId: def.id, iid: 11, number: 1, status: 'created', source: 'api', ref: 'main', tag: false, sha: 'a'.repeat(40),
        beforeSha: '0'.repeat(40), userId: null, name: null, comment: null, yamlErrors: null, variables: [], context: {}, priority: 0,
        parentRunId: null, parentJobId: null, createdAt: 1, committedAt: null,
      });
      const base = { runId: run.id, projectId: pid, stage: 'test', stageIdx: 1, kind: 'build' as const, when: 'on_success', allowFailure: false, spec: {}, tags: [], resourceGroup: null, interruptible: false, userId: null, createdAt: 1 };
      const [a, b] = await store.jobs.insertMany([
        { ...base, name: 'a', position: 0, status: 'pending', dag: false, priority: 0 },
        { ...base, name: 'b', position: 1, status: 'created', dag: true, priority: 5, needs: [{ name: 'a', artifacts: true, optional: false }] },
      ]);
      assert.deepEqual((await store.jobs.createdDependentsOf(run.id, 'a')).map((j) => j.id), [b!.id]);
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => store.jobs.claim(a!.id, { runnerId: i + 1, runnerSession: `s${i}`, tokenDigest: `t${i}`.padEnd(64, '0'), leaseExpiresAt: 100, startedAt: 50 })));
      const winners = claims.filter((c) => c !== null);
      assert.equal(winners.length, 1, 'one winner');
      const claimed = (await store.jobs.byId(a!.id))!;
      assert.equal(claimed.status, 'running');
      assert.equal(claimed.runnerId, claims.indexOf(winners[0]!) + 1);
      assert.deepEqual(winners[0], claimed, 'the winner gets the job as claimed');
      assert.deepEqual((await store.jobs.expiredLeases(101, 10)).map((j) => j.id), [a!.id]);
      const progress = (await store.jobs.forRun(run.id)).map((j) => ({
        id: j.id, name: j.name, stage: j.stage, stageIdx: j.stageIdx, status: j.status, when: j.when, allowFailure: j.allowFailure, startedAt: j.startedAt, finishedAt: j.finishedAt,
      }));
      assert.deepEqual(await store.jobs.progressOfRun(run.id), progress, 'the progress view reads what forRun reads, in its order');
      assert.deepEqual(await store.jobs.dependencyCandidates(run.id, { beforeStage: 2 }), [
        { id: a!.id, name: 'a', stageIdx: 1, dotenv: null }, { id: b!.id, name: 'b', stageIdx: 1, dotenv: null },
      ]);
      assert.deepEqual(await store.jobs.dependencyCandidates(run.id, { beforeStage: 1 }), []);
      assert.deepEqual((await store.jobs.dependencyCandidates(run.id, { names: ['b', 'zz'] })).map((j) => j.id), [b!.id]);
      assert.deepEqual(await store.jobs.dependencyCandidates(run.id, { names: [] }), []);
      const counts = (await store.jobs.statusCounts(run.id)).sort((x, y) => x.status.localeCompare(y.status));
      assert.deepEqual(counts, [{ status: 'created', allowFailure: false, n: 1 }, { status: 'running', allowFailure: false, n: 1 }]);
      // Stage groups: by stage, ordering, status and allow_failure; retried jobs left out.
      const groupsRun = await store.runs.insert({ ...run, iid: 13, number: 3 });
      const [g1, g2, g3, g4] = await store.jobs.insertMany([
        { ...base, runId: groupsRun.id, name: 'g1', position: 0, status: 'success', dag: false, priority: 0 },
        { ...base, runId: groupsRun.id, name: 'g2', position: 1, status: 'success', dag: false, priority: 0 },
        { ...base, runId: groupsRun.id, name: 'g3', stageIdx: 2, position: 0, status: 'created', dag: true, priority: 0, allowFailure: true },
        { ...base, runId: groupsRun.id, name: 'g4', stageIdx: 2, position: 1, status: 'failed', dag: false, priority: 0 },
      ]);
      await store.jobs.update(g1!.id, { startedAt: 40, coverage: 50 });
      await store.jobs.update(g2!.id, { startedAt: 30, coverage: 70.5 });
      await store.jobs.update(g3!.id, { coverage: null });
      await store.jobs.update(g4!.id, { retried: true, startedAt: 10, coverage: 99 });
      const groups = (await store.jobs.stageGroups(groupsRun.id)).sort((x, y) => x.stageIdx - y.stageIdx);
      assert.deepEqual(groups, [
        { stageIdx: 1, dag: false, status: 'success', allowFailure: false, n: 2, startedAt: 30, coverageSum: 120.5, coverageCount: 2 },
        { stageIdx: 2, dag: true, status: 'created', allowFailure: true, n: 1, startedAt: null, coverageSum: 0, coverageCount: 0 },
      ]);
      // Guarded status changes (one compiled statement per shape, each call with its own values).
      const [t1, t2] = await store.jobs.insertMany([
        { ...base, runId: groupsRun.id, name: 't1', position: 5, status: 'created', dag: false, priority: 0 },
        { ...base, runId: groupsRun.id, name: 't2', position: 6, status: 'created', dag: false, priority: 0 },
      ]);
      assert.equal(await store.jobs.transition(t1!.id, ['created'], { status: 'pending', queuedAt: 5 }), true);
      assert.equal(await store.jobs.transition(t2!.id, ['created'], { status: 'pending', queuedAt: 6 }), true);
      assert.equal(await store.jobs.transition(t1!.id, ['created'], { status: 'skipped', queuedAt: 7 }), false, 'not from a status the job is not in');
      assert.equal(await store.jobs.transition(t1!.id, ['running', 'pending'], {
        status: 'failed', finishedAt: 9, exitCode: 3, failureReason: 'script_failure', coverage: null, dotenv: { A: 'b' },
      }), true);
      const [u1, u2] = [(await store.jobs.byId(t1!.id))!, (await store.jobs.byId(t2!.id))!];
      assert.deepEqual([u1.status, u1.queuedAt, u1.finishedAt, u1.exitCode, u1.failureReason, u1.coverage, u1.dotenv], ['failed', 5, 9, 3, 'script_failure', null, { A: 'b' }]);
      assert.deepEqual([u2.status, u2.queuedAt, u2.finishedAt], ['pending', 6, null]);
      // A run's archives: only file_type archive, only its own jobs, oldest first.
      assert.deepEqual(await store.artifacts.archivesOfRun(run.id), []);
      const artifact = (jobId: number, fileType: string, filename: string) => store.artifacts.insert({
        jobId, projectId: pid, fileType, fileFormat: fileType === 'archive' ? 'zip' : 'gzip', filename, size: 3, storagePath: `/x/${filename}`, expireAt: null, createdAt: 7,
      });
      const first = await artifact(b!.id, 'archive', 'b.zip');
      await artifact(a!.id, 'junit', 'junit.xml.gz');
      const second = await artifact(a!.id, 'archive', 'a.zip');
      const otherRun = await store.runs.insert({ ...run, iid: 12, number: 2 });
      const [elsewhere] = await store.jobs.insertMany([{ ...base, runId: otherRun.id, name: 'a', position: 0, status: 'success', dag: false, priority: 0 }]);
      await artifact(elsewhere!.id, 'archive', 'other.zip');
      assert.deepEqual((await store.artifacts.archivesOfRun(run.id)).map((x) => [x.id, x.jobId, x.filename]), [[first.id, b!.id, 'b.zip'], [second.id, a!.id, 'a.zip']]);
    });

    it('appends log chunks only at the current end and reads them back from any offset', async () => {
      const [job] = await store.jobs.list({ includeRetried: true, order: 'asc', offset: 0, limit: 1 }).then((r) => r.items);
      assert.ok(job, 'a job from the previous test');
      const enc = (t: string) => new TextEncoder().encode(t);
      assert.equal(await store.jobs.appendLog(job.id, 0, enc('hello ')), true);
      assert.equal(await store.jobs.appendLog(job.id, 0, enc('again')), false, 'a stale offset is refused');
      assert.equal(await store.jobs.appendLog(job.id, 6, enc('world')), true);
      assert.equal((await store.jobs.readLog(job.id)).toString(), 'hello world');
      assert.equal((await store.jobs.readLog(job.id, 3)).toString(), 'lo world');
      assert.equal((await store.jobs.readLog(job.id, 8)).toString(), 'rld');
      assert.equal((await store.jobs.byId(job.id))!.logSize, 11);
      await store.transaction(async (tx) => {
        assert.equal(await tx.jobs.appendLog(job.id, 11, enc('!')), true, 'inside a transaction too');
      });
      // The size moves only with its chunk: an append whose chunk cannot be stored (a chunk
      // already sits at that offset, as if the size had been set back) leaves the size alone.
      await store.jobs.update(job.id, { logSize: 11 });
      await assert.rejects(store.jobs.appendLog(job.id, 11, enc('?')));
      assert.equal((await store.jobs.byId(job.id))!.logSize, 11);
      assert.equal((await store.jobs.readLog(job.id)).toString(), 'hello world!');
    });

    it('lists runs with GitLab\'s filters, counts up to a cap and reads the Pipeline view, inside and outside transactions alike', async () => {
      const alice = await store.users.insert({ username: 'lister', name: 'L "quoted"', email: 'l@example.com', admin: false, createdAt: 1 });
      const bob = await store.users.insert({ username: 'blocked-one', name: 'B', email: 'b@example.com', admin: false, createdAt: 1 });
      await store.users.setState(bob.id, 'blocked');
      const ws = await store.workspaces.insert({ path: 'listing', name: 'l', kind: 'group', ownerUserId: null, createdAt: 1 });
      const pid = await store.projects.insert({ workspaceId: ws.id, path: 'l', name: 'l', description: '', visibility: 'private', defaultBranch: 'main', creatorId: null, createdAt: 1 });
      const def = await store.definitions.insert({ projectId: pid, name: 'd', identifier: 'd', source: 'ci_file', isDefault: true, priority: 0, settings: {}, createdAt: 1 });
      const statuses = ['success', 'failed', 'running', 'success', 'canceled', 'success'];
      const runs: Run[] = [];
      for (let i = 0; i < 12; i++) {
        runs.push(await store.runs.insert({
          projectId: pid, definitionId: def.id, iid: i + 1, number: i + 1, status: statuses[i % statuses.length]!, source: i % 4 === 3 ? 'parent_pipeline' : i % 2 ? 'push' : 'api',
          ref: i % 3 ? 'main' : 'feature', tag: i % 5 === 0, sha: String(i).repeat(40).slice(0, 40), beforeSha: '0'.repeat(40), userId: [alice.id, bob.id, null][i % 3]!,
          name: i === 2 ? 'nightly' : null, comment: null, yamlErrors: i === 4 ? 'bad: "yaml"' : null, variables: [], context: {}, priority: 0,
          parentRunId: null, parentJobId: null, createdAt: 1_000 + i * 10, committedAt: i % 2 ? null : 900 + i,
        }));
      }
      await store.runs.update(runs[0]!.id, { updatedAt: 5_000, startedAt: 1_005, finishedAt: 1_100, durationSeconds: 95, queuedDurationSeconds: 0, coverage: 12.345 });
      await store.runs.update(runs[3]!.id, { updatedAt: 1_500, coverage: 100 });
      const ids = (xs: ReadonlyArray<{ id: number }>) => xs.map((x) => x.id);
      const byId = { by: 'id' as const, sort: 'desc' as const };
      for (const viaTransaction of [false, true]) {
        const check = async (listing: Store['pipelineListing'], runsRepo: Store['runs']) => {
          const all = await listing.list({ projectId: pid, excludeChildren: true }, byId, 0, 100);
          assert.deepEqual(ids(all), ids(runs.filter((_, i) => i % 4 !== 3)).reverse());
          assert.deepEqual(all.at(-1), { id: runs[0]!.id, iid: 1, projectId: pid, sha: '0'.repeat(40), ref: 'feature', status: 'success', source: 'api', name: null, createdAt: 1_000, updatedAt: 5_000 });
          assert.deepEqual(ids(await listing.list({ projectId: pid, excludeChildren: true }, byId, 2, 3)), ids(all.slice(2, 5)));
          assert.deepEqual(ids(await listing.list({ projectId: pid, excludeChildren: false, source: 'parent_pipeline' }, { by: 'id', sort: 'asc' }, 0, 100)), ids(runs.filter((_, i) => i % 4 === 3)));
          assert.deepEqual(ids(await listing.list({ projectId: pid, excludeChildren: true, statuses: ['success'], ref: 'main' }, byId, 0, 100)), ids(runs.filter((r, i) => i % 4 !== 3 && r.status === 'success' && r.ref === 'main')).reverse());
          assert.deepEqual(ids(await listing.list({ projectId: pid, excludeChildren: true, ref: '' }, byId, 0, 100)), [], 'an empty ref matches no run');
          assert.deepEqual(ids(await listing.list({ projectId: pid, excludeChildren: true, userId: null }, byId, 0, 100)), [], 'an unknown user matches nothing');
          assert.deepEqual(ids(await listing.list({ projectId: pid, excludeChildren: true, ids: [] }, byId, 0, 100)), []);
          assert.deepEqual(ids(await listing.list({ projectId: pid, excludeChildren: true, ids: [runs[1]!.id, runs[3]!.id] }, byId, 0, 100)), [runs[1]!.id]);
          assert.deepEqual(ids(await listing.list({ projectId: pid, excludeChildren: true, yamlErrors: true }, byId, 0, 100)), [runs[4]!.id]);
          assert.deepEqual(ids(await listing.list({ projectId: pid, excludeChildren: true, name: 'nightly' }, byId, 0, 100)), [runs[2]!.id]);
          assert.deepEqual(ids(await listing.list({ projectId: pid, excludeChildren: true, createdAfter: 1_020, createdBefore: 1_040 }, byId, 0, 100)), [runs[4]!.id, runs[2]!.id], 'bounds are inclusive');
          assert.deepEqual(ids(await listing.list({ projectId: pid, excludeChildren: false, updatedAfter: 1_500 }, { by: 'updated_at', sort: 'desc' }, 0, 2)), [runs[0]!.id, runs[3]!.id]);
          assert.deepEqual(ids(await listing.list({ projectId: pid, excludeChildren: true, updatedAfter: 1_500 }, { by: 'updated_at', sort: 'desc' }, 0, 2)), [runs[0]!.id]);
          assert.equal(await listing.countUpTo({ projectId: pid, excludeChildren: true }, 10_001), 9);
          assert.equal(await listing.countUpTo({ projectId: pid, excludeChildren: true }, 4), 4, 'counting stops at the cap');
          assert.equal(await listing.countUpTo({ projectId: pid, excludeChildren: false, tag: true }, 100), 3);
          assert.deepEqual(ids(await runsRepo.list({ projectId: pid, excludeChildren: false, definitionId: def.id, tag: true, orderBy: 'number', sort: 'asc', offset: 0, limit: 10 })), [runs[0]!.id, runs[5]!.id, runs[10]!.id]);
          assert.equal(await runsRepo.count({ projectId: pid, excludeChildren: true, statuses: ['success', 'failed'], orderBy: 'id', sort: 'asc', offset: 0, limit: 1 }), 5);

          const first = await listing.view(runs[0]!.id);
          assert.deepEqual(first, {
            id: runs[0]!.id, iid: 1, projectId: pid, sha: '0'.repeat(40), ref: 'feature', status: 'success', source: 'api', name: null, createdAt: 1_000, updatedAt: 5_000,
            beforeSha: '0'.repeat(40), tag: true, yamlErrors: null, userId: alice.id, startedAt: 1_005, finishedAt: 1_100, committedAt: 900, durationSeconds: 95,
            queuedDurationSeconds: 0, coverage: 12.345, user: { id: alice.id, username: 'lister', name: 'L "quoted"', state: 'active' }, warnings: false,
          });
          const second = (await listing.view(runs[1]!.id))!;
          assert.deepEqual([second.user, second.coverage, second.committedAt, second.startedAt], [{ id: bob.id, username: 'blocked-one', name: 'B', state: 'blocked' }, null, null, null]);
          assert.equal((await listing.view(runs[2]!.id))!.user, null);
          assert.equal((await listing.view(runs[3]!.id))!.coverage, 100);
          assert.equal(await listing.view(999_999), null);
        };
        if (viaTransaction) await store.transaction((tx) => check(tx.pipelineListing, tx.runs));
        else await check(store.pipelineListing, store.runs);
      }

      // "Passed with warnings": a latest (not retried) job allowed to fail that failed or was canceled, on a successful run only.
      const job = (runId: number, name: string, status: string, allowFailure: boolean) => ({ runId, projectId: pid, name, stage: 'test', stageIdx: 0, position: 0, kind: 'build' as const,
        status, when: 'on_success', allowFailure, dag: false, spec: {}, tags: [], resourceGroup: null, interruptible: false, priority: 0, userId: null, createdAt: 1 });
      const [retried] = await store.jobs.insertMany([job(runs[0]!.id, 'r', 'failed', true), job(runs[3]!.id, 'ok', 'success', true), job(runs[1]!.id, 'f', 'failed', true)]);
      await store.jobs.update(retried!.id, { retried: true });
      assert.equal((await store.pipelineListing.view(runs[0]!.id))!.warnings, false, 'a retried job does not count');
      assert.equal((await store.pipelineListing.view(runs[1]!.id))!.warnings, false, 'a failed run has no warnings');
      await store.jobs.insertMany([job(runs[0]!.id, 'c', 'canceled', true)]);
      assert.equal((await store.pipelineListing.view(runs[0]!.id))!.warnings, true);
      assert.equal(await store.pipelineListing.hasWarnings(runs[0]!.id), true);
      assert.equal((await store.pipelineListing.view(runs[3]!.id))!.warnings, false);

      // Reads repeated after any commit see it, whether it came alone or in a transaction.
      const filter = { projectId: pid, excludeChildren: true };
      const before = await store.pipelineListing.list(filter, byId, 0, 3);
      assert.equal(await store.pipelineListing.countUpTo(filter, 100), 9);
      await store.runs.update(runs[10]!.id, { status: 'canceled', updatedAt: 7_000 });
      assert.equal((await store.pipelineListing.view(runs[10]!.id))!.status, 'canceled');
      assert.equal((await store.pipelineListing.list(filter, byId, 0, 3))[0]!.status, 'canceled');
      const added = await store.transaction(async (tx) => tx.runs.insert({ ...runs[0]!, iid: 99, number: 99, source: 'web', createdAt: 8_000 }));
      assert.deepEqual(ids(await store.pipelineListing.list(filter, byId, 0, 3)), [added.id, ...ids(before).slice(0, 2)]);
      assert.equal(await store.pipelineListing.countUpTo(filter, 100), 10);
      assert.equal((await store.pipelineListing.view(added.id))!.iid, 99);
      await store.runs.delete(added.id);
      assert.equal(await store.pipelineListing.view(added.id), null);
      assert.equal(await store.pipelineListing.countUpTo(filter, 100), 9);
    });

    it('finds the runs left `created` without errors before a time, and only those', async () => {
      const ws = await store.workspaces.insert({ path: 'stale', name: 's', kind: 'group', ownerUserId: null, createdAt: 1 });
      const pid = await store.projects.insert({ workspaceId: ws.id, path: 's', name: 's', description: '', visibility: 'private', defaultBranch: 'main', creatorId: null, createdAt: 1 });
      const def = await store.definitions.insert({ projectId: pid, name: 'd', identifier: 'd', source: 'ci_file', isDefault: true, priority: 0, settings: {}, createdAt: 1 });
      const make = (iid: number, status: string, createdAt: number, yamlErrors: string | null = null) => store.runs.insert({
        projectId: pid, definitionId: def.id, iid, number: iid, status, source: 'push', ref: 'main', tag: false, sha: 'a'.repeat(40), beforeSha: '0'.repeat(40),
        userId: null, name: null, comment: null, yamlErrors, variables: [], context: {}, priority: 0, parentRunId: null, parentJobId: null, createdAt, committedAt: null,
      });
      const old = await make(1, 'created', 100);
      await make(2, 'created', 100, 'broken');
      await make(3, 'running', 100);
      await make(4, 'created', 900);
      const boundary = await make(5, 'created', 500);
      assert.deepEqual((await store.runs.staleCreated(500)).filter((r) => r.projectId === pid).map((r) => r.id), [old.id, boundary.id]);
    });

    it('enforces foreign keys', async () => {
      await assert.rejects(store.projects.insert({ workspaceId: 999999, path: 'x', name: 'x', description: '', visibility: 'private', defaultBranch: 'main', creatorId: null, createdAt: 1 }));
    });
  });
}
