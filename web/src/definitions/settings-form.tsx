/**
 * The settings form of a pipeline definition, generated from PIPELINE_FIELDS. Client-side checks
 * run first; server messages (`{"errors":[{"message"}]}`) are attached to the fields they name,
 * with aria-invalid/aria-describedby, and focus moves to the first problem.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { buddy } from '../api/buddy-api.ts';
import type { BuddyPipeline } from '../api/buddy-entities.ts';
import { ApiError } from '../api/http-client.ts';
import { announce } from '../components/announcer.tsx';
import { assignServerErrors, buildPatch, PIPELINE_FIELDS, toFormValues, type FieldSpec, type FormValues } from './pipeline-fields.ts';

function Field({ f, value, error, onChange }: { f: FieldSpec; value: string | boolean; error?: string; onChange: (v: string | boolean) => void }) {
  const id = `field-${f.key}`;
  const describedBy = [f.help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, name: f.key, 'aria-invalid': error ? ('true' as const) : undefined, 'aria-describedby': describedBy };
  let control;
  if (f.kind === 'boolean') {
    return (
      <div class={`field field-check${error ? ' has-error' : ''}`}>
        <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />
        <label for={id}>{f.label}</label>
        {f.help && <p class="help" id={`${id}-help`}>{f.help}</p>}
        {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
      </div>
    );
  }
  if (f.kind === 'enum') {
    const current = String(value);
    control = (
      <select {...common} value={current} onChange={(e) => onChange(e.currentTarget.value)}>
        {!f.options?.includes(current) && <option value={current}>{current || '(not set)'}</option>}
        {f.options?.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    );
  } else if (f.kind === 'json' || f.kind === 'list') {
    control = <textarea {...common} rows={f.kind === 'json' ? 4 : 2} spellcheck={false} value={String(value)} onInput={(e) => onChange(e.currentTarget.value)} />;
  } else {
    control = f.kind === 'number'
      ? <input {...common} type="number" min={f.min} max={f.max} value={String(value)} onInput={(e) => onChange(e.currentTarget.value)} />
      : <input {...common} type="text" required={f.required} value={String(value)} onInput={(e) => onChange(e.currentTarget.value)} />;
  }
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{f.label}</label>
      {control}
      {f.help && <p class="help" id={`${id}-help`}>{f.help}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

export function SettingsForm({ project, pipeline, onSaved }: { project: string; pipeline: BuddyPipeline; onSaved: (p: BuddyPipeline) => void }) {
  const [initial, setInitial] = useState(() => toFormValues(pipeline));
  const [values, setValues] = useState<FormValues>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  // A newer pipeline from the server replaces untouched fields only.
  useEffect(() => {
    const fresh = toFormValues(pipeline);
    setValues((current) => {
      const next = { ...current };
      for (const k of Object.keys(fresh)) if (current[k] === initial[k]) next[k] = fresh[k] as string | boolean;
      return next;
    });
    setInitial(fresh);
  }, [pipeline]);

  const focusFirstError = () => setTimeout(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"], .form-errors')?.focus(), 0);

  const submit = async (event: Event) => {
    event.preventDefault();
    setSaved(null);
    setGeneral([]);
    const { patch, errors: local } = buildPatch(values, initial);
    const labelled = Object.fromEntries(Object.entries(local).map(([k, m]) => [k, `${PIPELINE_FIELDS.find((f) => f.key === k)?.label ?? k} ${m}`]));
    setErrors(labelled);
    if (Object.keys(local).length) { focusFirstError(); return; }
    if (!Object.keys(patch).length) { setSaved('Nothing changed.'); return; }
    setBusy(true);
    try {
      const updated = await buddy.updatePipeline(project, pipeline.id, patch);
      setSaved('Settings saved.');
      announce('Settings saved');
      onSaved(updated);
    } catch (e) {
      const messages = e instanceof ApiError ? e.messages : [(e as Error).message];
      const { byField, general: rest } = assignServerErrors(messages);
      setErrors(byField);
      setGeneral(rest);
      focusFirstError();
    } finally {
      setBusy(false);
    }
  };

  const groups = [...new Set(PIPELINE_FIELDS.map((f) => f.group))];
  return (
    <form ref={form} class="settings-form" onSubmit={submit} noValidate aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      {(general.length > 0 || Object.keys(errors).length > 0) && (
        <div class="error-box form-errors" role="alert" tabIndex={-1}>
          <strong>The settings were not saved</strong>
          <ul>{[...general, ...Object.values(errors)].map((m) => <li key={m}>{m}</li>)}</ul>
        </div>
      )}
      {groups.map((group) => (
        <fieldset key={group}>
          <legend>{group}</legend>
          <div class="field-grid">
            {PIPELINE_FIELDS.filter((f) => f.group === group).map((f) => (
              <Field key={f.key} f={f} value={values[f.key] ?? ''} error={errors[f.key]}
                onChange={(v) => setValues((cur) => ({ ...cur, [f.key]: v }))} />
            ))}
          </div>
        </fieldset>
      ))}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? 'Saving…' : 'Save settings'}</button>
        <button type="button" class="btn btn-quiet" onClick={() => { setValues(initial); setErrors({}); setGeneral([]); setSaved(null); }}>Reset</button>
        <span role="status" class="muted">{saved}</span>
      </div>
    </form>
  );
}
