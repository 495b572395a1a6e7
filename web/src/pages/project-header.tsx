/** Project title and its sub-navigation (Runs · Definitions), shared by the project's pages. */
import { paths } from '../router/routes.ts';

export function ProjectHeader({ project, current }: { project: string; current: 'runs' | 'definitions' | null }) {
  return (
    <div class="project-head">
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href={paths.projects()}>Projects</a> <span aria-hidden="true">/</span> <a href={paths.project(project)}>{project}</a>
      </nav>
      <nav aria-label="Project" class="subnav">
        <a href={paths.project(project)} aria-current={current === 'runs' ? 'page' : undefined}>Runs</a>
        <a href={paths.definitions(project)} aria-current={current === 'definitions' ? 'page' : undefined}>Definitions</a>
      </nav>
    </div>
  );
}
