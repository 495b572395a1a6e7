/**
 * GitLab's slugify (CI_COMMIT_REF_SLUG, CI_PROJECT_PATH_SLUG, CI_JOB_NAME_SLUG): lowercased,
 * every character outside a-z0-9 replaced by `-`, cut to 63 characters, leading and trailing
 * dashes removed — safe for URLs, host names and Docker tags.
 */
export function slugify(text: string): string {
  return text.toLowerCase().replace(/^refs\/(heads|tags)\//, '').replace(/[^a-z0-9]/g, '-').slice(0, 63).replace(/^-+|-+$/g, '');
}
