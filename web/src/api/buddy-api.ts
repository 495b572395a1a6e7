/**
 * Buddy pipelines API under `/api`. Runnel's workspace is the GitLab namespace and Buddy's
 * `project_name` the project's path, so a project full path `ws/name` maps directly.
 */
import { getJson, queryString, sendJson } from './http-client.ts';
import type { BuddyExecutionPage, BuddyPipeline } from './buddy-entities.ts';

function base(project: string): string {
  const slash = project.lastIndexOf('/');
  const ws = project.slice(0, slash);
  const name = project.slice(slash + 1);
  return `/api/workspaces/${encodeURIComponent(ws)}/projects/${encodeURIComponent(name)}`;
}

export const buddy = {
  pipelines: async (project: string) =>
    (await getJson<{ pipelines: BuddyPipeline[] }>(`${base(project)}/pipelines${queryString({ per_page: 100 })}`)).pipelines ?? [],
  pipeline: (project: string, id: number) => getJson<BuddyPipeline>(`${base(project)}/pipelines/${id}`),
  updatePipeline: (project: string, id: number, patch: Record<string, unknown>) =>
    sendJson<BuddyPipeline>('PATCH', `${base(project)}/pipelines/${id}`, patch),
  clearCache: (project: string, id: number) =>
    sendJson<BuddyPipeline>('PATCH', `${base(project)}/pipelines/${id}`, { clear_cache: true }),
  executions: (project: string, id: number, page: number) =>
    getJson<BuddyExecutionPage>(`${base(project)}/pipelines/${id}/executions${queryString({ page, per_page: 20 })}`),
};
