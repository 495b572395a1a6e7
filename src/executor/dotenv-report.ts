/**
 * The `artifacts:reports:dotenv` file, parsed with GitLab's rules
 * (app/services/ci/parse_dotenv_artifact_service.rb, spec/…/parse_dotenv_artifact_service_spec.rb):
 * - each line is `KEY=VALUE` split at the FIRST '='; key and value are stripped of surrounding
 *   whitespace; no quotes removal, no comments, no `${…}` expansion (kept literally);
 * - an empty line, a line without '=', a blank key or a key other than [A-Za-z0-9_] makes the
 *   whole file invalid ("Invalid Format" / "Key can only contain…");
 * - a UTF-8 BOM is ignored; a repeated key keeps its last value;
 * - the file must be smaller than 5 KiB and define at most 20 variables (GitLab's default plan
 *   limits dotenv_size / dotenv_variables).
 * Any violation rejects the whole report, as GitLab does. Pure.
 */
export const DOTENV_MAX_BYTES = 5 * 1024;
export const DOTENV_MAX_VARIABLES = 20;

export type DotenvResult = { ok: true; variables: Record<string, string> } | { ok: false; error: string };

export function parseDotenv(
  content: string | Uint8Array,
  limits: { maxBytes?: number; maxVariables?: number } = {},
): DotenvResult {
  const maxBytes = limits.maxBytes ?? DOTENV_MAX_BYTES;
  const maxVariables = limits.maxVariables ?? DOTENV_MAX_VARIABLES;
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  if (!(bytes.length < maxBytes)) return { ok: false, error: `Dotenv Artifact Too Big. Maximum Allowable Size: ${maxBytes}` };
  let text = bytes.toString('utf8');
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const variables = new Map<string, string>();
  // Ruby's each_line: a final line without "\n" still counts; a trailing "\n" adds no empty line.
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const rawLine of lines) {
    const line = rawLine.replace(/\r$/, '');
    const eq = line.indexOf('=');
    if (eq === -1) return { ok: false, error: 'Invalid Format' };
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key === '') return { ok: false, error: "Key can't be blank" };
    if (key.length > 255) return { ok: false, error: 'Key is too long (maximum is 255 characters)' };
    if (!/^[A-Za-z0-9_]+$/.test(key)) return { ok: false, error: "Key can contain only letters, digits and '_'." };
    variables.set(key, value);
  }
  if (variables.size > maxVariables) return { ok: false, error: `Dotenv files cannot have more than ${maxVariables} variables` };
  return { ok: true, variables: Object.fromEntries(variables) };
}
