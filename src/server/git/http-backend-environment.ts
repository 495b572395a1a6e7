import { join } from 'node:path';
import type { SmartHttpPathInfo } from './smart-http-request.js';

export interface HttpBackendRequest {
  reposDir: string;
  workspace: string;
  project: string;
  pathInfo: SmartHttpPathInfo;
  method: string;
  /** The raw query string without `?` (http-backend reads `service=` from it). */
  query: string;
  headers: {
    contentType?: string | undefined;
    contentLength?: string | undefined;
    contentEncoding?: string | undefined;
    gitProtocol?: string | undefined;
  };
  remoteAddr: string;
  /** Set for authenticated callers: http-backend uses it for reflog identities. */
  remoteUser: string | null;
  /** Journal id for the post-receive hook; set on receive-pack requests only. */
  push: { id: string; userId: number | null } | null;
}

/**
 * The CGI environment of one git http-backend run (RFC 3875 names plus git's own).
 *
 * - PATH_INFO always names `<project>.git`, whichever URL spelling the client used.
 * - CONTENT_LENGTH only when the client sent one: http-backend reads to EOF without it, which is
 *   what chunked requests need.
 * - HTTP_CONTENT_ENCODING: http-backend inflates gzip bodies itself when told (git clients gzip
 *   large fetch negotiations), so the body is streamed through untouched.
 * - GIT_PROTOCOL from the Git-Protocol header enables protocol v2; only plain `key=value:...`
 *   text is passed on.
 * - core.hooksPath through GIT_CONFIG_*: environment config outranks system and global config,
 *   so an operator's hooksPath cannot stop Runnel's post-receive hook from running.
 */
export function httpBackendEnvironment(request: HttpBackendRequest): Record<string, string> {
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: request.reposDir,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    PATH_INFO: `/${request.workspace}/${request.project}.git${request.pathInfo}`,
    REQUEST_METHOD: request.method,
    QUERY_STRING: request.query,
    REMOTE_ADDR: request.remoteAddr,
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'core.hooksPath',
    GIT_CONFIG_VALUE_0: join(request.reposDir, request.workspace, `${request.project}.git`, 'hooks'),
  };
  const { contentType, contentLength, contentEncoding, gitProtocol } = request.headers;
  if (contentType) env.CONTENT_TYPE = contentType;
  if (contentLength && /^\d+$/.test(contentLength)) env.CONTENT_LENGTH = contentLength;
  if (contentEncoding) env.HTTP_CONTENT_ENCODING = contentEncoding.trim().toLowerCase();
  if (gitProtocol && /^[A-Za-z0-9=:,._-]{1,256}$/.test(gitProtocol)) env.GIT_PROTOCOL = gitProtocol;
  if (request.remoteUser) env.REMOTE_USER = request.remoteUser;
  if (request.push) {
    env.RUNNEL_PUSH_ID = request.push.id;
    env.RUNNEL_PUSH_USER = request.push.userId === null ? '-' : String(request.push.userId);
  }
  return env;
}
