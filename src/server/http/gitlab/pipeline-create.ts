import type { PipelineSource } from '../../../pipeline/index.js';
import type { Project, Run, User } from '../../store/index.js';
import type { HttpDeps } from '../deps.js';
import { HttpReply } from '../http-reply.js';
import { pipelineVariables, Problems, requiredString, type VariableType } from './ci-params.js';

function baseError(messages: string[]): never {
  throw new HttpReply(400, { message: { base: messages } });
}

/**
 * Creates a pipeline as GitLab's Ci::CreatePipelineService does for the API (save_on_errors:
 * false): a ref that is neither branch nor tag, a missing CI file, a config with errors or one
 * whose rules leave no job all answer 400 `{"message":{"base":[..]}}`, and nothing is kept.
 */
export async function createPipelineFor(
  deps: HttpDeps, project: Project, user: User | null, params: Record<string, unknown>, source: PipelineSource,
  extraVariables: Array<{ key: string; value: string; variable_type: VariableType }> = [],
): Promise<Run> {
  const p = new Problems();
  const ref = requiredString(params, 'ref', p);
  const variables = [...pipelineVariables(params, p), ...extraVariables];
  p.throwIfAny();
  const seen = new Set<string>();
  const duplicates = [...new Set(variables.map((v) => v.key).filter((k) => (seen.has(k) ? true : (seen.add(k), false))))];
  if (duplicates.length) baseError([`Duplicate variable name${duplicates.length > 1 ? 's' : ''}: ${duplicates.join(', ')}`]);
  const result = await deps.engine.createRun({ project, ref, source, user, variables });
  if (!result.created) baseError([result.message]);
  if (result.run.yamlErrors !== null) {
    await deps.engine.deleteRun(result.run.id);
    baseError([result.run.yamlErrors]);
  }
  return result.run;
}
