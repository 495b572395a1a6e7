import { join } from 'node:path';
import { AppError } from '../../shared/index.js';

/**
 * Workspace and project names as they appear in repository paths. Each must be one path segment
 * that cannot climb out of reposDir, cannot be mistaken for a git suffix and cannot start like an
 * option: this check is what keeps every path built below inside reposDir.
 */
const SEGMENT = /^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*$/;

export function isValidSegment(segment: string): boolean {
  return segment.length > 0 && segment.length <= 255 && SEGMENT.test(segment) && !segment.includes('..')
    && segment !== '.' && !segment.endsWith('.git') && !segment.endsWith('.atom');
}

export function assertValidSegments(workspace: string, project: string): void {
  const problems: Record<string, string[]> = {};
  if (!isValidSegment(workspace)) problems.workspace = ['is not a valid repository path segment'];
  if (!isValidSegment(project)) problems.project = ['is not a valid repository path segment'];
  if (Object.keys(problems).length > 0) {
    throw new AppError('validation_failed', 'invalid repository path', { details: problems });
  }
}

/** `<reposDir>/<workspace>/<project>.git`: the layout git http-backend serves under GIT_PROJECT_ROOT. */
export function repositoryPath(reposDir: string, workspace: string, project: string): string {
  assertValidSegments(workspace, project);
  return join(reposDir, workspace, `${project}.git`);
}
