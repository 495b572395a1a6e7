import type { PipelineListRow, PipelineView, Project } from '../../store/index.js';
import { isoTimeText } from './iso-time.js';
import { detailedStatus, projectPath } from './pipeline-entities.js';

/**
 * The pipeline entities of the hot routes written straight to JSON text: the same bytes as
 * `JSON.stringify` of `pipelineListItem` / `pipelineEntity` (pipeline-entities.ts, which stay
 * the reference; pipeline-json.test.ts holds the two together), without building the objects
 * first. Keys in GitLab's order, strings escaped by JSON.stringify, numbers as JSON prints them.
 */

const quote = JSON.stringify as (value: string) => string;

/** A number as JSON.stringify writes it (non-finite numbers are null). */
function num(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

function numOrNull(value: number | null): string {
  return value === null ? 'null' : num(value);
}

function textOrNull(value: string | null): string {
  return value === null ? 'null' : quote(value);
}

function time(ms: number): string {
  return `"${isoTimeText(ms)}"`;
}

function timeOrNull(ms: number | null): string {
  return ms === null ? 'null' : `"${isoTimeText(ms)}"`;
}

/**
 * `"<base>/<ns>/<project>/-/pipelines/` (escaped, without the closing quote): the web_url of a
 * pipeline is this, its id and `"`. Escaping a prefix alone is exact: the id that follows is ASCII.
 */
function webUrlPrefix(project: Pick<Project, 'workspacePath' | 'path'>, baseUrl: string): string {
  return quote(`${baseUrl}/${projectPath(project)}/-/pipelines/`).slice(0, -1);
}

// The store hands out frozen results while the database has not changed (store's
// pipeline-listing-repository.ts); the text of such a result is kept beside it, for the same
// project path and base URL, and so are its UTF-8 bytes, which the socket takes without encoding
// 30 kB again. Unfrozen data is always written afresh.
const texts = new WeakMap<object, { key: string; text: string; bytes: Buffer | null }>();

function remembered(data: object, key: string, write: () => string, asBytes: boolean): string | Buffer {
  if (!Object.isFrozen(data)) return write();
  let hit = texts.get(data);
  if (!hit || hit.key !== key) {
    hit = { key, text: write(), bytes: null };
    texts.set(data, hit);
  }
  if (!asBytes) return hit.text;
  return (hit.bytes ??= Buffer.from(hit.text, 'utf8'));
}

/** `[...]` of PipelineBasicWithMetadata: the body of GET /projects/:id/pipelines. */
export function pipelineListJson(rows: readonly PipelineListRow[], project: Pick<Project, 'workspacePath' | 'path'>, baseUrl: string): string {
  return listBody(rows, project, baseUrl, false) as string;
}

/** pipelineListJson as the response body: the same text, as kept bytes when the rows are shared. */
export function pipelineListBody(rows: readonly PipelineListRow[], project: Pick<Project, 'workspacePath' | 'path'>, baseUrl: string): string | Buffer {
  return listBody(rows, project, baseUrl, true);
}

function listBody(rows: readonly PipelineListRow[], project: Pick<Project, 'workspacePath' | 'path'>, baseUrl: string, asBytes: boolean): string | Buffer {
  if (rows.length === 0) return '[]';
  const url = webUrlPrefix(project, baseUrl);
  return remembered(rows, url, () => listJson(rows, url), asBytes);
}

function listJson(rows: readonly PipelineListRow[], url: string): string {
  let out = '[';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (i > 0) out += ',';
    out += `{"id":${num(r.id)},"iid":${num(r.iid)},"project_id":${num(r.projectId)},"sha":${quote(r.sha)},"ref":${quote(r.ref)},"status":${quote(r.status)},"source":${quote(r.source)},"created_at":${time(r.createdAt)},"updated_at":${time(r.updatedAt)},"web_url":${url}${r.id}","name":${textOrNull(r.name)}}`;
  }
  return `${out}]`;
}

// detailed_status depends on the status, the warnings flag and the details path only: its text
// is made once per (status, warnings) by detailedStatus itself, with a marker for the path.
const MARK = '\u0000details_path\u0000';
const statusTexts = new Map<string, [string, string] | null>();

function detailedStatusJson(status: string, warnings: boolean, detailsPath: string): string {
  const key = `${warnings ? 1 : 0}${status}`;
  let parts = statusTexts.get(key);
  if (parts === undefined) {
    const split = JSON.stringify(detailedStatus(status, warnings, MARK, true)).split(quote(MARK));
    parts = split.length === 2 ? [split[0]!, split[1]!] : null;
    if (statusTexts.size >= 256) statusTexts.clear();
    statusTexts.set(key, parts);
  }
  return parts ? `${parts[0]}${quote(detailsPath)}${parts[1]}` : JSON.stringify(detailedStatus(status, warnings, detailsPath, true));
}

/**
 * The full Pipeline entity (PipelineWithMetadata when `withName`): the body of GET
 * /projects/:id/pipelines/:pipeline_id, latest, create, retry, cancel and metadata.
 */
export function pipelineJson(view: PipelineView, project: Pick<Project, 'workspacePath' | 'path'>, baseUrl: string, withName: boolean): string {
  return viewBody(view, project, baseUrl, withName, false) as string;
}

/** pipelineJson as the response body: the same text, as kept bytes when the view is shared. */
export function pipelineBody(view: PipelineView, project: Pick<Project, 'workspacePath' | 'path'>, baseUrl: string, withName: boolean): string | Buffer {
  return viewBody(view, project, baseUrl, withName, true);
}

function viewBody(view: PipelineView, project: Pick<Project, 'workspacePath' | 'path'>, baseUrl: string, withName: boolean, asBytes: boolean): string | Buffer {
  const path = projectPath(project);
  return remembered(view, `${withName ? 1 : 0}${baseUrl}\u0000${path}`, () => viewJson(view, path, baseUrl, withName), asBytes);
}

function viewJson(view: PipelineView, path: string, baseUrl: string, withName: boolean): string {
  const u = view.user;
  const user = u === null ? 'null'
    : `{"id":${num(u.id)},"username":${quote(u.username)},"public_email":null,"name":${quote(u.name)},"state":${quote(u.state)},"locked":false,"avatar_url":null,"web_url":${quote(`${baseUrl}/${u.username}`)}}`;
  const queued = view.queuedDurationSeconds ? num(view.queuedDurationSeconds) : 'null';
  const coverage = view.coverage === null ? 'null' : quote(view.coverage.toFixed(2));
  return `{"id":${num(view.id)},"iid":${num(view.iid)},"project_id":${num(view.projectId)},"sha":${quote(view.sha)},"ref":${quote(view.ref)},"status":${quote(view.status)},"source":${quote(view.source)},"created_at":${time(view.createdAt)},"updated_at":${time(view.updatedAt)},"web_url":${quote(`${baseUrl}/${path}/-/pipelines/${view.id}`)}`
    + `,"before_sha":${quote(view.beforeSha)},"tag":${view.tag ? 'true' : 'false'},"yaml_errors":${textOrNull(view.yamlErrors)},"user":${user}`
    + `,"started_at":${timeOrNull(view.startedAt)},"finished_at":${timeOrNull(view.finishedAt)},"committed_at":${timeOrNull(view.committedAt)}`
    + `,"duration":${numOrNull(view.durationSeconds)},"queued_duration":${queued},"coverage":${coverage}`
    + `,"detailed_status":${detailedStatusJson(view.status, view.warnings, `/${path}/-/pipelines/${view.id}`)},"archived":false`
    + (withName ? `,"name":${textOrNull(view.name)}}` : '}');
}
