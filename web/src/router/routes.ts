/**
 * The SPA's routes. They mirror GitLab's web URLs because the API's `web_url` fields point there
 * (`/<ns>/<project>/-/pipelines/<id>`, `/-/jobs/<id>`), plus Runnel's own pages under `/-/` and
 * `…/-/definitions` for the Buddy view. A project path is everything before `/-/` (at least two
 * segments), so nested namespaces work. Pure: the router and the server-side fallback agree on it.
 */

export type RunTab = 'graph' | 'jobs' | 'tests' | 'variables';

export type Route =
  | { name: 'projects' }
  | { name: 'sign-in' }
  | { name: 'runners' }
  | { name: 'project'; project: string }
  | { name: 'run'; project: string; runId: number; tab: RunTab }
  | { name: 'job'; project: string; jobId: number }
  | { name: 'definitions'; project: string }
  | { name: 'definition'; project: string; definitionId: number }
  | { name: 'not-found'; path: string };

const RUN_TABS: Record<string, RunTab> = { '': 'graph', builds: 'jobs', test_report: 'tests', variables: 'variables' };

function decodeSegments(path: string): string[] | null {
  try {
    return path.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'projects' };
  if (path === '/-/sign_in' || path === '/users/sign_in') return { name: 'sign-in' };
  if (path === '/-/runners' || path === '/admin/runners') return { name: 'runners' };
  const segments = decodeSegments(path);
  if (!segments) return { name: 'not-found', path };
  const dash = segments.indexOf('-');
  const projectSegments = dash >= 0 ? segments.slice(0, dash) : segments;
  const rest = dash >= 0 ? segments.slice(dash + 1) : [];
  // Buddy's html_url shape: /<ws>/<project>/pipelines/pipeline/<id>[/execution/<x>]
  if (dash < 0 && segments.length >= 5 && segments[2] === 'pipelines' && segments[3] === 'pipeline') {
    const id = Number(segments[4]);
    if (Number.isSafeInteger(id)) return { name: 'definition', project: segments.slice(0, 2).join('/'), definitionId: id };
  }
  // API and git smart-HTTP paths are never UI pages.
  if (projectSegments.length < 2 || projectSegments[0] === '-' || projectSegments[0] === 'api' || projectSegments.some((s) => s.endsWith('.git'))) {
    return { name: 'not-found', path };
  }
  const project = projectSegments.join('/');
  if (dash < 0) return { name: 'project', project };
  const [section, idText, tabText, ...extra] = rest;
  const id = idText === undefined ? NaN : Number(idText);
  const validId = idText !== undefined && /^\d+$/.test(idText) && Number.isSafeInteger(id);
  if (section === 'pipelines' && idText === undefined) return { name: 'project', project };
  if (section === 'pipelines' && validId && extra.length === 0) {
    const tab = RUN_TABS[tabText ?? ''];
    if (tab) return { name: 'run', project, runId: id, tab };
  }
  if (section === 'jobs' && validId && tabText === undefined) return { name: 'job', project, jobId: id };
  if (section === 'definitions' && idText === undefined) return { name: 'definitions', project };
  if (section === 'definitions' && validId && tabText === undefined) return { name: 'definition', project, definitionId: id };
  return { name: 'not-found', path };
}

function projectPath(project: string): string {
  return '/' + project.split('/').map(encodeURIComponent).join('/');
}

/** Builders for every route, so links never hand-assemble URLs. */
export const paths = {
  projects: () => '/',
  signIn: (returnTo?: string) => (returnTo && returnTo !== '/' ? `/-/sign_in?return_to=${encodeURIComponent(returnTo)}` : '/-/sign_in'),
  runners: () => '/-/runners',
  project: (project: string) => projectPath(project),
  run: (project: string, runId: number, tab: RunTab = 'graph') => {
    const suffix = Object.entries(RUN_TABS).find(([, t]) => t === tab)?.[0] ?? '';
    return `${projectPath(project)}/-/pipelines/${runId}${suffix ? '/' + suffix : ''}`;
  },
  job: (project: string, jobId: number) => `${projectPath(project)}/-/jobs/${jobId}`,
  definitions: (project: string) => `${projectPath(project)}/-/definitions`,
  definition: (project: string, id: number) => `${projectPath(project)}/-/definitions/${id}`,
};

/** The SPA path of an absolute web_url from the API, when it is one of ours; null otherwise. */
export function localPath(webUrl: string | null | undefined, origin: string): string | null {
  if (!webUrl) return null;
  try {
    const url = new URL(webUrl, origin);
    const route = matchRoute(url.pathname);
    return route.name === 'not-found' ? null : url.pathname;
  } catch {
    return null;
  }
}
