import { AppError, type Clock } from '../../shared/index.js';
import type { Project, Store, User, Visibility, Workspace } from '../store/index.js';
import { projectAccess, roleAtLeast, strongerRole, type ProjectAccess } from './roles.js';

/** What project creation needs from git hosting; owned here so the engine does not import git. */
export interface RepositoryLifecycle {
  create(workspace: string, project: string, defaultBranch: string): Promise<void>;
  remove(workspace: string, project: string): Promise<void>;
}

/** The caller of a use case: a user, or nobody (anonymous). */
export type Actor = { user: User } | { user: null };

const PATH = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/;
/** git check-ref-format's rules for a branch name, checked without control-character regexes. */
function validBranchName(name: string): boolean {
  if (!name || name.startsWith('/') || name.endsWith('/') || name.endsWith('.') || name.endsWith('.lock')) return false;
  if (/\/\.|\/\/|\.\.|@\{|\\|[~^:?*[ ]/.test(name) || name.startsWith('-')) return false;
  for (const ch of name) if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) return false;
  return true;
}
const VISIBILITIES: Visibility[] = ['private', 'internal', 'public'];

export interface CreateProjectInput {
  name?: string;
  path?: string;
  /** Numeric workspace id or its path; default: the actor's personal workspace. */
  namespace?: string | number;
  visibility?: string;
  defaultBranch?: string;
  description?: string;
}

export function createProjects({ store, clock, repositories }: { store: Store; clock: Clock; repositories: RepositoryLifecycle }) {
  async function accessTo(project: Project, actor: Actor): Promise<ProjectAccess> {
    const user = actor.user;
    let role = null;
    if (user) {
      role = strongerRole(await store.projects.memberRole(project.id, user.id), await store.workspaces.memberRole(project.workspaceId, user.id));
    }
    return projectAccess({ visibility: project.visibility, role, authenticated: user !== null, admin: user?.admin ?? false, active: user ? user.state === 'active' : true });
  }

  /** Finds a project by numeric id or `workspace/project` path; invisible ones are not found. */
  async function find(idOrPath: string, actor: Actor): Promise<{ project: Project; access: ProjectAccess }> {
    let project: Project | null = null;
    if (/^-?\d+$/.test(idOrPath)) project = await store.projects.byId(Number(idOrPath));
    else {
      const slash = idOrPath.lastIndexOf('/');
      if (slash > 0) project = await store.projects.byFullPath(idOrPath.slice(0, slash), idOrPath.slice(slash + 1));
    }
    if (!project) throw new AppError('project_not_found', 'Project Not Found');
    const access = await accessTo(project, actor);
    if (!access.read) throw new AppError('project_not_found', 'Project Not Found');
    return { project, access };
  }

  async function resolveWorkspace(namespace: string | number | undefined, user: User): Promise<Workspace> {
    let ws: Workspace | null;
    if (namespace === undefined || namespace === '') ws = await store.workspaces.personalOf(user.id);
    else if (typeof namespace === 'number' || /^\d+$/.test(namespace)) ws = await store.workspaces.byId(Number(namespace));
    else ws = await store.workspaces.byPath(namespace);
    if (!ws) throw new AppError('namespace_not_found', 'Namespace Not Found');
    const role = await store.workspaces.memberRole(ws.id, user.id);
    if (!user.admin && !roleAtLeast(role, 'developer')) {
      // Not a member who may create here: hide whether the namespace exists, as GitLab does.
      throw new AppError('namespace_not_found', 'Namespace Not Found');
    }
    return ws;
  }

  /**
   * Creates the row and the bare repository as one unit: the row is written in a transaction
   * that commits only after the repository exists, and a repository made for a transaction
   * that then fails is removed. A failed creation leaves neither behind.
   */
  async function create(input: CreateProjectInput, actor: Actor): Promise<Project> {
    const user = actor.user;
    if (!user) throw new AppError('token_missing', 'Unauthorized');
    const name = input.name?.trim() || input.path?.trim() || '';
    const path = input.path?.trim() || slugify(name);
    const visibility = (input.visibility ?? 'private') as Visibility;
    const defaultBranch = input.defaultBranch?.trim() || 'main';
    const problems: Record<string, string[]> = {};
    if (!name) problems.name = ["can't be blank"];
    if (name.length > 255) problems.name = ['is too long (maximum is 255 characters)'];
    if (!path || !PATH.test(path) || path.endsWith('.git') || path.endsWith('.atom') || path.length > 255) {
      problems.path = ["can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'"];
    }
    if (!VISIBILITIES.includes(visibility)) problems.visibility_level = ['is not a valid visibility'];
    if (!validBranchName(defaultBranch)) problems.default_branch = ['is invalid'];
    if (Object.keys(problems).length > 0) throw new AppError('validation_failed', 'invalid project', { details: problems });

    const ws = await resolveWorkspace(input.namespace, user);
    if (await store.projects.byFullPath(ws.path, path)) {
      throw new AppError('name_taken', 'project path has already been taken', { details: { path: ['has already been taken'], name: ['has already been taken'] } });
    }
    const now = clock.now();
    let repositoryCreated = false;
    try {
      const id = await store.transaction(async (tx) => {
        const projectId = await tx.projects.insert({
          workspaceId: ws.id, path, name, description: input.description ?? '', visibility, defaultBranch, creatorId: user.id, createdAt: now,
        });
        await repositories.create(ws.path, path, defaultBranch);
        repositoryCreated = true;
        return projectId;
      });
      const project = await store.projects.byId(id);
      if (!project) throw new AppError('internal', 'project vanished after creation');
      return project;
    } catch (error) {
      if (repositoryCreated) await repositories.remove(ws.path, path).catch(() => undefined);
      if (error instanceof AppError) throw error;
      // A unique-index race with a concurrent creation of the same path.
      if (/unique|duplicate/i.test((error as Error).message)) {
        throw new AppError('name_taken', 'project path has already been taken', { details: { path: ['has already been taken'] } });
      }
      throw error;
    }
  }

  async function createGroup(input: { path: string; name?: string; description?: string }, actor: Actor): Promise<Workspace> {
    const user = actor.user;
    if (!user) throw new AppError('token_missing', 'Unauthorized');
    if (!PATH.test(input.path)) throw new AppError('validation_failed', 'invalid group', { details: { path: ['is invalid'] } });
    if (await store.workspaces.byPath(input.path) || await store.users.byUsername(input.path)) {
      throw new AppError('name_taken', 'Failed to save group', { details: { path: ['has already been taken'] } });
    }
    const now = clock.now();
    return store.transaction(async (tx) => {
      const ws = await tx.workspaces.insert({ path: input.path, name: input.name ?? input.path, kind: 'group', ownerUserId: null, description: input.description ?? '', createdAt: now });
      await tx.workspaces.setMember(ws.id, user.id, 'owner', now);
      return ws;
    });
  }

  return { find, accessTo, create, createGroup };
}

export type Projects = ReturnType<typeof createProjects>;

export function slugify(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 255);
}
