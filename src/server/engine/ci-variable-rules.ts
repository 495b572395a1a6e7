/**
 * GitLab's validation of CI/CD variables (app/models/ci/variable.rb, concerns/ci/maskable.rb,
 * concerns/ci/has_variable.rb), as pure functions. Problems come back per attribute, every one
 * at once, worded as GitLab words them, so the API can answer `{"message":{attr:[..]}}`.
 */
export interface VariableDraft {
  key: string;
  value: string;
  variableType: string;
  masked: boolean;
  hidden: boolean;
  raw: boolean;
  environmentScope: string;
  description: string | null;
}

const KEY = /^[a-zA-Z0-9_]+$/;
/** Maskable::REGEX: one line, no spaces, 8+ characters of Base64 plus `@ : . ~ -` (and `_ + = /`). */
export const MASKABLE = /^[a-zA-Z0-9_+=/@:.~-]{8,}$/;
/** Maskable::MASK_AND_RAW_REGEX: a raw variable may hold any non-space characters. */
export const MASKABLE_RAW = /^\S{8,}$/;

export function variableProblems(v: VariableDraft): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  const add = (attr: string, message: string) => { (problems[attr] ??= []).push(message); };
  if (!v.key) add('key', "can't be blank");
  else {
    if (v.key.length > 255) add('key', 'is too long (maximum is 255 characters)');
    if (!KEY.test(v.key)) add('key', "can contain only letters, digits and '_'.");
  }
  if (v.value.length > 10_000) add('value', 'is too long (maximum is 10000 characters)');
  if (v.variableType !== 'env_var' && v.variableType !== 'file') add('variable_type', 'is not included in the list');
  if (v.masked && !(v.raw ? MASKABLE_RAW : MASKABLE).test(v.value)) add('value', 'is invalid');
  if (v.hidden && !v.masked) add('masked', 'must be enabled when the variable is hidden');
  if (!v.environmentScope || v.environmentScope.length > 255) add('environment_scope', 'is invalid');
  if (v.description !== null && v.description.length > 255) add('description', 'is too long (maximum is 255 characters)');
  return problems;
}
