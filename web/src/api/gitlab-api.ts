/**
 * GitLab v4 calls the UI makes. A project is addressed by its URL-encoded full path (`ns%2Fname`),
 * which the API accepts wherever it accepts a numeric id, so routes need no id lookup.
 */
import { getAll, getJson, getPage, queryString, request, sendJson, type Page } from './http-client.ts';
import type { Job, Pipeline, PipelineBasic, PipelineVariable, Project, Runner, TestReport, UserBasic } from './gitlab-entities.ts';

const enc = (project: string | number) => encodeURIComponent(String(project));
const base = (project: string | number) => `/api/v4/projects/${enc(project)}`;

export const gitlab = {
  currentUser: (token?: string) => getJson<UserBasic>('/api/v4/user', token === undefined ? {} : { token }),
  projects: (page: number, search?: string) =>
    getPage<Project>(`/api/v4/projects${queryString({ page, per_page: 20, order_by: 'last_activity_at', search })}`),
  project: (project: string | number) => getJson<Project>(base(project)),

  pipelines: (project: string, filters: { page: number; status?: string; ref?: string; source?: string }): Promise<Page<PipelineBasic>> =>
    getPage<PipelineBasic>(`${base(project)}/pipelines${queryString({ ...filters, per_page: 20 })}`),
  pipeline: (project: string, id: number) => getJson<Pipeline>(`${base(project)}/pipelines/${id}`),
  createPipeline: (project: string, ref: string, variables: { key: string; value: string; variable_type: string }[]) =>
    sendJson<Pipeline>('POST', `${base(project)}/pipeline`, { ref, variables }),
  retryPipeline: (project: string, id: number) => sendJson<Pipeline>('POST', `${base(project)}/pipelines/${id}/retry`),
  cancelPipeline: (project: string, id: number) => sendJson<Pipeline>('POST', `${base(project)}/pipelines/${id}/cancel`),
  pipelineJobs: (project: string, id: number) => getAll<Job>(`${base(project)}/pipelines/${id}/jobs`),
  pipelineVariables: (project: string, id: number) => getJson<PipelineVariable[]>(`${base(project)}/pipelines/${id}/variables`),
  testReport: (project: string, id: number) => getJson<TestReport>(`${base(project)}/pipelines/${id}/test_report`),

  job: (project: string | number, id: number) => getJson<Job>(`${base(project)}/jobs/${id}`),
  playJob: (project: string, id: number) => sendJson<Job>('POST', `${base(project)}/jobs/${id}/play`),
  retryJob: (project: string, id: number) => sendJson<Job>('POST', `${base(project)}/jobs/${id}/retry`),
  cancelJob: (project: string, id: number) => sendJson<Job>('POST', `${base(project)}/jobs/${id}/cancel`),
  traceUrl: (project: string, id: number) => `${base(project)}/jobs/${id}/trace`,
  /** Log bytes from `offset` on. Uses a Range request; a server that ignores Range sends it all and we slice. */
  async traceFrom(project: string, id: number, offset: number): Promise<Uint8Array> {
    const response = await request(gitlab.traceUrl(project, id), { headers: offset > 0 ? { Range: `bytes=${offset}-`, Accept: 'text/plain' } : { Accept: 'text/plain' } });
    if (response.status === 416) return new Uint8Array(0);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return response.status === 206 ? bytes : bytes.subarray(Math.min(offset, bytes.length));
  },
  artifactsUrl: (project: string, id: number) => `${base(project)}/jobs/${id}/artifacts`,
  artifactFileUrl: (project: string, id: number, path: string) =>
    `${base(project)}/jobs/${id}/artifacts/${path.split('/').map(encodeURIComponent).join('/')}`,

  runners: () => getAll<Runner>('/api/v4/runners/all'),
};

/** The UI's extension endpoints for live updates (text/event-stream). */
export const eventUrls = {
  pipeline: (project: string, id: number) => `${base(project)}/pipelines/${id}/events`,
  job: (project: string, id: number) => `${base(project)}/jobs/${id}/events`,
};
