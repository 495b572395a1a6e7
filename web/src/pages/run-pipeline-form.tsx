/**
 * "Run pipeline": ref plus any number of variables (key, value, env var or file), posted to
 * `POST /projects/:id/pipeline`; on success the user lands on the new run.
 */
import { useState } from 'preact/hooks';
import { gitlab } from '../api/gitlab-api.ts';
import { ApiError } from '../api/http-client.ts';
import { navigate } from '../router/navigation.ts';
import { paths } from '../router/routes.ts';

interface VariableRow { id: number; key: string; value: string; variable_type: 'env_var' | 'file' }

export function RunPipelineForm({ project, defaultRef }: { project: string; defaultRef: string }) {
  const [ref, setRef] = useState(defaultRef);
  const [rows, setRows] = useState<VariableRow[]>([]);
  const [nextId, setNextId] = useState(1);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const update = (id: number, patch: Partial<VariableRow>) => setRows(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const add = () => { setRows([...rows, { id: nextId, key: '', value: '', variable_type: 'env_var' }]); setNextId(nextId + 1); };

  const submit = async (event: Event) => {
    event.preventDefault();
    const variables = rows.filter((r) => r.key.trim()).map((r) => ({ key: r.key.trim(), value: r.value, variable_type: r.variable_type }));
    setBusy(true);
    setErrors([]);
    try {
      const run = await gitlab.createPipeline(project, ref.trim(), variables);
      navigate(paths.run(project, run.id));
    } catch (e) {
      setErrors(e instanceof ApiError ? e.messages : [(e as Error).message]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card run-form" onSubmit={submit} aria-labelledby="run-form-title">
      <h2 id="run-form-title">Run pipeline</h2>
      {errors.length > 0 && <div class="error-box" role="alert"><ul>{errors.map((m) => <li key={m}>{m}</li>)}</ul></div>}
      <label for="run-ref">Branch or tag</label>
      <input id="run-ref" required value={ref} onInput={(e) => setRef(e.currentTarget.value)} />
      <fieldset>
        <legend>Variables</legend>
        {rows.length === 0 && <p class="muted small">No variables.</p>}
        {rows.map((r, i) => (
          <div class="var-row" key={r.id}>
            <label class="visually-hidden" for={`var-type-${r.id}`}>Type of variable {i + 1}</label>
            <select id={`var-type-${r.id}`} value={r.variable_type} onChange={(e) => update(r.id, { variable_type: e.currentTarget.value as VariableRow['variable_type'] })}>
              <option value="env_var">Variable</option>
              <option value="file">File</option>
            </select>
            <label class="visually-hidden" for={`var-key-${r.id}`}>Key of variable {i + 1}</label>
            <input id={`var-key-${r.id}`} placeholder="KEY" value={r.key} pattern="[A-Za-z0-9_]+" title="Letters, digits and underscores"
              onInput={(e) => update(r.id, { key: e.currentTarget.value })} />
            <label class="visually-hidden" for={`var-value-${r.id}`}>Value of variable {i + 1}</label>
            <input id={`var-value-${r.id}`} placeholder="value" value={r.value} onInput={(e) => update(r.id, { value: e.currentTarget.value })} />
            <button type="button" class="btn btn-quiet" aria-label={`Remove variable ${i + 1}`} onClick={() => setRows(rows.filter((x) => x.id !== r.id))}>✕</button>
          </div>
        ))}
        <button type="button" class="btn btn-quiet" onClick={add}>+ Add variable</button>
      </fieldset>
      <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? 'Starting…' : 'Run pipeline'}</button>
    </form>
  );
}
