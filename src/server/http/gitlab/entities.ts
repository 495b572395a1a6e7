import { isoTime } from '../../../shared/index.js';
import type { Project, User, Workspace } from '../../store/index.js';
import { ACCESS_LEVEL, type ProjectAccess } from '../../engine/index.js';

/** GitLab's UserBasic (lib/api/entities/user_basic.rb). */
export function userBasic(user: User, baseUrl: string) {
  return {
    id: user.id, username: user.username, public_email: null, name: user.name, state: user.state, locked: false,
    avatar_url: null, web_url: `${baseUrl}/${user.username}`,
  };
}

/** GitLab's UserPublic + admin fields, for GET /user (lib/api/entities/user_public.rb). */
export function currentUser(user: User, baseUrl: string) {
  return {
    ...userBasic(user, baseUrl),
    created_at: isoTime(user.createdAt), bio: '', location: '', linkedin: '', twitter: '', discord: '', website_url: '',
    organization: '', job_title: '', pronouns: null, bot: false, work_information: null, local_time: null,
    last_sign_in_at: null, confirmed_at: isoTime(user.createdAt), last_activity_on: null, email: user.email,
    theme_id: 1, color_scheme_id: 1, projects_limit: 100000, current_sign_in_at: null, identities: [],
    can_create_group: true, can_create_project: true, two_factor_enabled: false, external: false,
    private_profile: false, commit_email: user.email, is_admin: user.admin,
  };
}

export function namespaceEntity(ws: Pick<Workspace, 'id' | 'path' | 'name' | 'kind'>, baseUrl: string) {
  return {
    id: ws.id, name: ws.name, path: ws.path, kind: ws.kind, full_path: ws.path, parent_id: null,
    avatar_url: null, web_url: ws.kind === 'group' ? `${baseUrl}/groups/${ws.path}` : `${baseUrl}/${ws.path}`,
  };
}

export function groupEntity(ws: Workspace, baseUrl: string) {
  return {
    ...namespaceEntity(ws, baseUrl), description: ws.description, visibility: 'private', full_name: ws.name,
    created_at: isoTime(ws.createdAt), parent_id: null,
  };
}

/** GitLab's Project entity (lib/api/entities/project.rb), the fields clients read. */
export function projectEntity(project: Project, baseUrl: string, access?: ProjectAccess) {
  const fullPath = `${project.workspacePath}/${project.path}`;
  const webUrl = `${baseUrl}/${fullPath}`;
  const host = new URL(baseUrl).host;
  return {
    id: project.id, description: project.description || null, name: project.name,
    name_with_namespace: `${project.workspaceName} / ${project.name}`, path: project.path, path_with_namespace: fullPath,
    created_at: isoTime(project.createdAt), default_branch: project.defaultBranch, tag_list: [], topics: [],
    ssh_url_to_repo: `git@${host}:${fullPath}.git`, http_url_to_repo: `${webUrl}.git`, web_url: webUrl,
    readme_url: null, forks_count: 0, avatar_url: null, star_count: 0, last_activity_at: isoTime(project.updatedAt),
    namespace: namespaceEntity({ id: project.workspaceId, path: project.workspacePath, name: project.workspaceName, kind: project.workspaceKind }, baseUrl),
    visibility: project.visibility, empty_repo: false, archived: false, creator_id: project.creatorId,
    ci_config_path: project.ciConfigPath, build_timeout: project.buildTimeoutSeconds, jobs_enabled: true,
    builds_access_level: 'enabled', public_jobs: true, shared_runners_enabled: true,
    _links: {
      self: `${baseUrl}/api/v4/projects/${project.id}`,
      repo_branches: `${baseUrl}/api/v4/projects/${project.id}/repository/branches`,
      members: `${baseUrl}/api/v4/projects/${project.id}/members`,
    },
    ...(access && {
      permissions: {
        project_access: access.role ? { access_level: ACCESS_LEVEL[access.role], notification_level: 3 } : null,
        group_access: null,
      },
    }),
  };
}
