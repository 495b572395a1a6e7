import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { ensureWebBuilt } from './web-dist.js';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
};

/** What `runnel serve` must answer itself for a path: API/git (proxied here) or the UI. */
export function isBackendPath(method: string, pathname: string): boolean {
  if (pathname.startsWith('/api/') || pathname === '/api') return true;
  if (pathname.startsWith('/-/') && !['/-/sign_in', '/-/runners'].includes(pathname.replace(/\/$/, ''))) return true;
  if (/\.git(\/|$)/.test(pathname)) return true;
  return method !== 'GET' && method !== 'HEAD';
}

export interface UiFront { url: string; close(): Promise<void> }

/**
 * Serves web/dist the way `runnel serve` is asked to (docs/ui.md): hashed files under /assets/
 * with a year of immutable caching, index.html (no-cache) for every other GET that is not API,
 * `/-/` or git — and proxies those to `backendUrl`, streaming (event streams included).
 * Used by the UI tests until the server serves web/dist itself, and against the fake API.
 */
export async function startUiFront(backendUrl: string): Promise<UiFront> {
  const dist = ensureWebBuilt();
  const backend = new URL(backendUrl);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (isBackendPath(req.method ?? 'GET', url.pathname)) {
      const upstream = httpRequest({ host: backend.hostname, port: backend.port, method: req.method, path: req.url, headers: { ...req.headers, host: backend.host } }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
      req.pipe(upstream);
      res.on('close', () => upstream.destroy());
      return;
    }
    if (url.pathname.startsWith('/assets/')) {
      const file = normalize(join(dist, url.pathname));
      if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) { res.writeHead(404).end('Not Found'); return; }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'public, max-age=31536000, immutable' });
      createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'x-frame-options': 'SAMEORIGIN', 'x-content-type-options': 'nosniff' });
    createReadStream(join(dist, 'index.html')).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
