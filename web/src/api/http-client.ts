/**
 * The one place the UI talks HTTP. Adds the token, turns non-2xx into `ApiError` with readable
 * messages, reads GitLab's pagination headers, and reports 401 once so the app can send the user
 * to sign-in. Paths are absolute (`/api/v4/...`, `/api/workspaces/...`, `/-/session`).
 */
import { errorMessages } from './error-messages.ts';
import { readToken } from './session-token.ts';

export class ApiError extends Error {
  constructor(readonly status: number, readonly messages: string[], readonly body: unknown) {
    super(messages.join('; '));
  }
}

export interface Page<T> {
  items: T[];
  page: number;
  totalPages: number | null;
  total: number | null;
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when any request with a token gets 401 (token expired or revoked). */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  method?: string;
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Use this token instead of the stored one (sign-in checks a pasted token before storing it). */
  token?: string | null;
}

export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  const token = options.token === undefined ? readToken() : options.token;
  if (token) {
    headers.set('PRIVATE-TOKEN', token);
    // The Buddy façade's own scheme; Runnel accepts either on every API.
    if (path.startsWith('/api/') && !path.startsWith('/api/v4/')) headers.set('Authorization', `Bearer ${token}`);
  }
  headers.set('Accept', headers.get('Accept') ?? 'application/json');
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(options.json);
  }
  const response = await fetch(path, { method: options.method ?? 'GET', headers, body, signal: options.signal, credentials: 'same-origin' });
  if (!response.ok && response.status !== 206 && response.status !== 416) {
    let parsed: unknown = null;
    const text = await response.text().catch(() => '');
    try { parsed = JSON.parse(text); } catch { parsed = text; }
    if (response.status === 401 && token && options.token === undefined) for (const l of unauthorizedListeners) l();
    throw new ApiError(response.status, errorMessages(parsed, `${response.status} ${response.statusText}`), parsed);
  }
  return response;
}

export async function getJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options);
  return (await response.json()) as T;
}

export async function sendJson<T>(method: string, path: string, json?: unknown, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, { ...options, method, json: json ?? {} });
  const text = await response.text();
  return (text ? JSON.parse(text) : null) as T;
}

function intHeader(response: Response, name: string): number | null {
  const value = response.headers.get(name);
  if (value === null || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export async function getPage<T>(path: string, options: RequestOptions = {}): Promise<Page<T>> {
  const response = await request(path, options);
  const items = (await response.json()) as T[];
  return {
    items,
    page: intHeader(response, 'X-Page') ?? 1,
    totalPages: intHeader(response, 'X-Total-Pages'),
    total: intHeader(response, 'X-Total'),
  };
}

/** Every page of a GitLab list (per_page=100), for lists the UI needs whole (a run's jobs). */
export async function getAll<T>(path: string, options: RequestOptions = {}): Promise<T[]> {
  const sep = path.includes('?') ? '&' : '?';
  const out: T[] = [];
  for (let page = 1; page <= 100; page++) {
    const result = await getPage<T>(`${path}${sep}per_page=100&page=${page}`, options);
    out.push(...result.items);
    const last = result.totalPages ?? (result.items.length < 100 ? page : page + 1);
    if (page >= last || result.items.length === 0) break;
  }
  return out;
}

export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}
