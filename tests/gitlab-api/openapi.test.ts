import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { registerGitlabCiRoutes } from '../../src/server/http/gitlab/ci-routes.js';
import { openApiPath } from '../../src/server/http/gitlab/openapi-routes.js';
import type { HttpDeps } from '../../src/server/http/index.js';
import { silentLogger } from '../../src/shared/index.js';

describe('OpenAPI document of the GitLab CI routes', () => {
  it('lists exactly the registered routes, each with a summary', async () => {
    const app = Fastify();
    // An independent record of what the module registers.
    const registered = new Set<string>();
    app.addHook('onRoute', (route) => {
      for (const m of [route.method].flat()) if (m !== 'HEAD') registered.add(`${m} ${openApiPath(route.url)}`);
    });
    const deps = { version: '1.2.3', baseUrl: () => 'http://runnel.test', logger: silentLogger(), notifier: { subscribe: () => () => undefined } } as unknown as HttpDeps;
    registerGitlabCiRoutes(app, deps);
    const response = await app.inject({ method: 'GET', url: '/api/v4/openapi.json' });
    assert.equal(response.statusCode, 200);
    const doc = response.json() as { openapi: string; paths: Record<string, Record<string, { summary: string; parameters: Array<{ name: string }> }>> };
    assert.match(doc.openapi, /^3\./);
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        documented.add(`${method.toUpperCase()} ${path}`);
        assert.notEqual(op.summary, 'undocumented', `${method} ${path} has no summary`);
        for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])) assert.ok(op.parameters.some((p) => p.name === name), `${path} documents {${name}}`);
      }
    }
    assert.deepEqual([...documented].sort(), [...registered].sort());
    assert.ok(registered.size >= 60, `expected the full CI API, got ${registered.size} routes`);
    await app.close();
  });
});
