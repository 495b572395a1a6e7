import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { Logger } from '../../shared/index.js';
import { parseBasicAuthorization } from './basic-auth.js';
import { findCgiHeadEnd, parseCgiHead } from './cgi-response.js';
import { httpBackendEnvironment } from './http-backend-environment.js';
import { deliverJournaledPush, type PushListener } from './push-delivery.js';
import { gitEnvironment } from './run-git.js';
import { serviceOf, type GitService, type SmartHttpTarget } from './smart-http-request.js';

export interface GitAccessRequest {
  workspace: string;
  project: string;
  /** The password of HTTP Basic credentials (a Runnel token); null when none was sent. */
  token: string | null;
  /** The Basic username, which git clients send but Runnel does not need (e.g. "oauth2"). */
  username: string | null;
  service: GitService;
}

/**
 * The caller's access decision, made by the composition root from tokens, roles and visibility.
 * `not_found` must be answered for projects the caller may not see, so private ones stay hidden;
 * `unauthenticated` makes git ask for (or send) credentials.
 */
export type GitAccess =
  | { outcome: 'allow'; userId: number | null }
  | { outcome: 'unauthenticated' }
  | { outcome: 'not_found' }
  | { outcome: 'forbidden'; message: string };

export type GitAuthorizer = (request: GitAccessRequest) => Promise<GitAccess>;

/** What the handler needs from the repository host. */
export interface HostedRepositories {
  reposDir: string;
  gitBinary: string;
  pathOf(workspace: string, project: string): string;
  exists(workspace: string, project: string): Promise<boolean>;
}

export type GitHttpHandler = (req: IncomingMessage, res: ServerResponse, target: SmartHttpTarget) => Promise<void>;

const NOT_FOUND_MESSAGE = "The project you were looking for could not be found or you don't have permission to view it.";
const HEAD_LIMIT = 64 * 1024;

/**
 * Git smart HTTP for hosted repositories: authorises, then runs `git http-backend` per request
 * with the CGI environment, streaming the request body to it and its output back (packs are
 * never held in memory). Error bodies are text/plain because git prints such bodies to the user
 * as "remote:" lines. For receive-pack, the push's journal is handed to onPush once http-backend
 * has exited; the returned promise settles after that, the response having ended before.
 */
export function createGitHttpHandler(deps: { host: HostedRepositories; authorize: GitAuthorizer; onPush: PushListener; logger: Logger }): GitHttpHandler {
  const { host, authorize, onPush } = deps;
  const baseLog = deps.logger.child({ component: 'git-http' });

  return async function handleGitHttp(req, res, target) {
    const { workspace, project, pathInfo } = target;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const request = serviceOf(req.method ?? 'GET', pathInfo, url.searchParams);
    if (!request.ok) return reject(req, res, request.status, request.message);
    const log = baseLog.child({ workspace, project, service: request.service });

    const credentials = parseBasicAuthorization(req.headers.authorization);
    let access: GitAccess;
    try {
      access = await authorize({
        workspace, project, service: request.service,
        token: credentials && credentials.password !== '' ? credentials.password : null,
        username: credentials ? credentials.username : null,
      });
    } catch (error) {
      log.error({ err: error }, 'git authorisation failed');
      return reject(req, res, 500, 'Internal Server Error');
    }
    if (access.outcome === 'unauthenticated') {
      return reject(req, res, 401, 'HTTP Basic: Access denied', { 'WWW-Authenticate': 'Basic realm="Runnel"' });
    }
    if (access.outcome === 'not_found') return reject(req, res, 404, NOT_FOUND_MESSAGE);
    if (access.outcome === 'forbidden') return reject(req, res, 403, access.message);
    if (!(await host.exists(workspace, project))) {
      log.warn('project allowed but its repository is missing on disk');
      return reject(req, res, 404, NOT_FOUND_MESSAGE);
    }

    const push = request.service === 'receive-pack' && request.kind === 'rpc' ? { id: randomUUID(), userId: access.userId } : null;
    const env = httpBackendEnvironment({
      reposDir: host.reposDir, workspace, project, pathInfo,
      method: req.method ?? 'GET', query: url.search.replace(/^\?/, ''),
      headers: {
        contentType: req.headers['content-type'],
        contentLength: req.headers['content-length'],
        contentEncoding: req.headers['content-encoding'],
        gitProtocol: headerValue(req.headers['git-protocol']),
      },
      remoteAddr: req.socket.remoteAddress ?? '',
      remoteUser: access.userId === null ? null : `user-${access.userId}`,
      push,
    });
    await runHttpBackend(host.gitBinary, env, req, res, log);
    if (push) {
      await deliverJournaledPush({ repoPath: host.pathOf(workspace, project), pushId: push.id, workspace, project, onPush, logger: log });
    }
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(':') : value;
}

function reject(req: IncomingMessage, res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  req.resume();
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = `${message}\n`;
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache' });
  res.end(body);
}

/**
 * Runs http-backend to completion. Its stdout is never closed early: if the client goes away the
 * rest is drained, because receive-pack writing into a closed pipe would die from SIGPIPE after
 * updating refs but before post-receive journals the push.
 */
function runHttpBackend(gitBinary: string, cgiEnv: Record<string, string>, req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(gitBinary, ['http-backend'], { env: gitEnvironment(cgiEnv), stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let head: Buffer | null = Buffer.alloc(0);
    let clientGone = false;

    pipeline(req, child.stdin, () => undefined);
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 8192) stderr += chunk.toString('utf8');
    });
    res.on('close', () => {
      if (res.writableFinished) return;
      clientGone = true;
      child.stdout.unpipe(res);
      child.stdout.resume();
    });

    const onHead = (chunk: Buffer) => {
      if (head === null) return;
      head = Buffer.concat([head, chunk]);
      const end = findCgiHeadEnd(head);
      if (end < 0) {
        if (head.length > HEAD_LIMIT) {
          log.error('http-backend sent an oversized header block');
          head = null;
          child.stdout.off('data', onHead);
          child.stdout.resume();
          if (!clientGone) reject(req, res, 502, 'Bad Gateway');
        }
        return;
      }
      const parsed = parseCgiHead(head.subarray(0, end).toString('latin1'));
      const rest = head.subarray(end);
      head = null;
      child.stdout.off('data', onHead);
      if (clientGone) {
        child.stdout.resume();
        return;
      }
      child.stdout.pause();
      res.writeHead(parsed.status, parsed.headers.flat());
      if (rest.length > 0) res.write(rest);
      child.stdout.pipe(res);
    };
    child.stdout.on('data', onHead);

    child.on('error', (error) => {
      log.error({ err: error }, 'http-backend did not start');
      if (!res.headersSent) reject(req, res, 500, 'Internal Server Error');
      resolve();
    });
    child.on('close', (code, signal) => {
      if (code !== 0) log.warn({ code, signal, stderr: stderr.slice(0, 2000) }, 'http-backend failed');
      if (head !== null && !res.headersSent && !clientGone) reject(req, res, 502, 'Bad Gateway');
      else if (!res.writableEnded) res.end();
      resolve();
    });
  });
}
