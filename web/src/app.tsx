/**
 * The shell: resolves the route, sends signed-out visitors to sign-in (keeping where they were
 * going), renders the header and the page. Knows pages only by route name.
 */
import { useEffect, useState } from 'preact/hooks';
import { gitlab } from './api/gitlab-api.ts';
import type { UserBasic } from './api/gitlab-entities.ts';
import { onUnauthorized } from './api/http-client.ts';
import { clearToken, readToken } from './api/session-token.ts';
import { Announcer } from './components/announcer.tsx';
import { navigate, useLocation } from './router/navigation.ts';
import { matchRoute, paths, type Route } from './router/routes.ts';
import { SignInPage } from './pages/sign-in-page.tsx';
import { ProjectsPage } from './pages/projects-page.tsx';
import { ProjectRunsPage } from './pages/project-runs-page.tsx';
import { RunPage } from './pages/run-page.tsx';
import { JobPage } from './pages/job-page.tsx';
import { DefinitionsPage } from './pages/definitions-page.tsx';
import { DefinitionPage } from './pages/definition-page.tsx';
import { RunnersPage } from './pages/runners-page.tsx';

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'projects': return <ProjectsPage />;
    case 'project': return <ProjectRunsPage project={route.project} />;
    case 'run': return <RunPage project={route.project} runId={route.runId} tab={route.tab} />;
    case 'job': return <JobPage project={route.project} jobId={route.jobId} />;
    case 'definitions': return <DefinitionsPage project={route.project} />;
    case 'definition': return <DefinitionPage project={route.project} definitionId={route.definitionId} />;
    case 'runners': return <RunnersPage />;
    case 'sign-in': return <SignInPage />;
    case 'not-found': return (
      <section>
        <h1>Page not found</h1>
        <p>Nothing lives at <code>{route.path}</code>. <a href={paths.projects()}>Go to projects</a>.</p>
      </section>
    );
  }
}

export function App() {
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  const token = readToken();
  const [user, setUser] = useState<UserBasic | null>(null);

  useEffect(() => onUnauthorized(() => {
    clearToken();
    setUser(null);
    navigate(paths.signIn(location.pathname + location.search), { replace: true });
  }), []);

  const needsSignIn = !token && route.name !== 'sign-in';
  useEffect(() => {
    if (needsSignIn) navigate(paths.signIn(location.pathname + location.search), { replace: true });
  }, [needsSignIn]);

  useEffect(() => {
    if (!token) { setUser(null); return; }
    let live = true;
    gitlab.currentUser().then((u) => { if (live) setUser(u); }, () => { /* 401 handled by onUnauthorized */ });
    return () => { live = false; };
  }, [token]);

  const signOut = () => {
    clearToken();
    setUser(null);
    navigate(paths.signIn());
  };

  return (
    <>
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="topbar">
        <a class="brand" href={paths.projects()}>Runnel</a>
        {token && (
          <nav aria-label="Main">
            <a href={paths.projects()} aria-current={route.name === 'projects' ? 'page' : undefined}>Projects</a>
            <a href={paths.runners()} aria-current={route.name === 'runners' ? 'page' : undefined}>Runners</a>
          </nav>
        )}
        <div class="topbar-end">
          {user && <span class="user" title={user.name}>{user.username}</span>}
          {token && <button type="button" class="btn btn-quiet" onClick={signOut}>Sign out</button>}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {needsSignIn ? null : <Page route={route} />}
      </main>
      <Announcer />
    </>
  );
}
