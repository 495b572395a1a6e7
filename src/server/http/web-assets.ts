import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { packageRoot } from '../../shared/index.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.json': 'application/json', '.map': 'application/json',
};

/** web/dist at the package root. */
export function defaultWebRoot(): string {
  return join(packageRoot(), 'web', 'dist');
}

/** Whether a GET is a page of the single-page app (as opposed to an API, health or git path). */
export function isUiPath(path: string): boolean {
  if (path.startsWith('/api/') || path === '/api') return false;
  if (path.startsWith('/-/')) return path === '/-/sign_in' || path.startsWith('/-/runners');
  if (/\.git(\/|$)/.test(path)) return false;
  return true;
}

/**
 * The web UI's files: hashed assets with a year of caching, and index.html (never cached) for
 * every UI path, so the SPA's router decides what a URL shows. A missing build answers 503 with
 * the command that makes it.
 */
export function registerWebAssets(app: FastifyInstance, webRoot: string = defaultWebRoot()): { serveIndex(request: FastifyRequest, reply: FastifyReply): FastifyReply } {
  const assetsRoot = join(webRoot, 'assets');
  let index: Buffer | null = null;
  const loadIndex = (): Buffer | null => {
    if (index) return index;
    const file = join(webRoot, 'index.html');
    if (!existsSync(file)) return null;
    index = readFileSync(file);
    return index;
  };

  app.get('/assets/*', async (request, reply) => {
    const rest = (request.params as { '*': string })['*'];
    const path = normalize(join(assetsRoot, rest));
    if (!path.startsWith(assetsRoot + sep)) return reply.code(404).type('text/plain').send('Not Found');
    let size: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      return reply.code(404).type('text/plain').send('Not Found');
    }
    return reply
      .type(TYPES[extname(path)] ?? 'application/octet-stream')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('content-length', String(size))
      .send(createReadStream(path));
  });

  return {
    serveIndex(_request, reply) {
      const html = loadIndex();
      if (!html) return reply.code(503).type('text/plain').send('The web UI is not built: run `npm run build:web`.\n');
      return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    },
  };
}
