import { isValidSegment } from './repository-path.js';

export type GitService = 'upload-pack' | 'receive-pack';

/** The three smart HTTP endpoints Runnel serves; the dumb protocol's paths are not served. */
export type SmartHttpPathInfo = '/info/refs' | '/git-upload-pack' | '/git-receive-pack';

export interface SmartHttpTarget {
  workspace: string;
  /** Without the optional `.git` suffix of the URL. */
  project: string;
  pathInfo: SmartHttpPathInfo;
}

const ENDPOINT = /^\/([^/]+)\/([^/]+)(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/;

/**
 * Reads `/<workspace>/<project>(.git)?/<endpoint>` from a URL path (no query), as GitLab accepts
 * both spellings of the repository URL. Null for anything else, including invalid segments.
 */
export function parseSmartHttpPath(path: string): SmartHttpTarget | null {
  const match = ENDPOINT.exec(path);
  if (!match) return null;
  let project = match[2]!;
  if (project.endsWith('.git')) project = project.slice(0, -4);
  const workspace = match[1]!;
  if (!isValidSegment(workspace) || !isValidSegment(project)) return null;
  return { workspace, project, pathInfo: match[3] as SmartHttpPathInfo };
}

export type ServiceRequest =
  | { ok: true; service: GitService; kind: 'advertisement' | 'rpc' }
  | { ok: false; status: 400 | 403 | 405; message: string };

/**
 * Which git service a request asks for: `GET info/refs?service=git-<name>` (ref advertisement)
 * or `POST git-<name>` (the RPC). Dumb-protocol requests (info/refs without service) are refused
 * with 403, as GitLab does.
 */
export function serviceOf(method: string, pathInfo: SmartHttpPathInfo, query: URLSearchParams): ServiceRequest {
  if (pathInfo === '/info/refs') {
    if (method !== 'GET') return { ok: false, status: 405, message: 'Method Not Allowed' };
    const service = query.get('service');
    if (service === null) return { ok: false, status: 403, message: 'The dumb HTTP protocol is not supported; use a git client that speaks smart HTTP.' };
    if (service === 'git-upload-pack') return { ok: true, service: 'upload-pack', kind: 'advertisement' };
    if (service === 'git-receive-pack') return { ok: true, service: 'receive-pack', kind: 'advertisement' };
    return { ok: false, status: 400, message: 'Unsupported service' };
  }
  if (method !== 'POST') return { ok: false, status: 405, message: 'Method Not Allowed' };
  return { ok: true, service: pathInfo === '/git-upload-pack' ? 'upload-pack' : 'receive-pack', kind: 'rpc' };
}
