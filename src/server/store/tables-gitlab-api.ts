/**
 * Tables behind the GitLab-specific API (CI/CD variables, trigger tokens, schedules, project
 * hooks and their deliveries). Created by migrations/003-gitlab-api.ts.
 * TODO(issue 5): the tables.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GitlabApiTables {}
