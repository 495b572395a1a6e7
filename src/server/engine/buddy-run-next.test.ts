import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mirroredState, passedVariables, SERVER_ACTION_TAG } from './buddy-run-next.js';
import { actionsToCiConfig } from './actions-plan.js';

describe('RUN_NEXT_PIPELINE (pure)', () => {
  it('passes the action variables on and mirrors final statuses only', () => {
    assert.deepEqual(passedVariables({ variables: [{ key: 'A', value: 1 }, { value: 'x' }] }), [{ key: 'A', value: '1', variable_type: 'env_var' }]);
    assert.deepEqual(['success', 'failed', 'skipped', 'canceled', 'running', 'created'].map(mirroredState), ['success', 'failed', 'failed', 'canceled', null, null]);
  });

  it('compiles to a job only the server claims', () => {
    const { config } = actionsToCiConfig([{ id: 5, name: 'Next', type: 'RUN_NEXT_PIPELINE', settings: { next_pipeline_id: 2 } }], { pipeline: { id: 1, name: 'p', cloneDepth: 0, tags: ['gpu'] } });
    assert.deepEqual((config.Next as { tags: string[] }).tags, [SERVER_ACTION_TAG]);
  });
});
