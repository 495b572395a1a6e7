/**
 * Turns any of the error bodies Runnel's façades return into readable messages:
 * GitLab `{"message": "…"}`, `{"message": {"attr": ["…"]}}`, `{"error": "…", "error_description"?}`
 * and Buddy `{"errors": [{"message": "…"}]}`. Falls back to the HTTP status text.
 */
export function errorMessages(body: unknown, fallback: string): string[] {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (Array.isArray(b.errors)) {
      const out = b.errors.map((e) => (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string'
        ? (e as { message: string }).message : typeof e === 'string' ? e : null)).filter((m): m is string => Boolean(m));
      if (out.length) return out;
    }
    if (typeof b.message === 'string') return [b.message];
    if (b.message && typeof b.message === 'object') {
      const out: string[] = [];
      for (const [attr, value] of Object.entries(b.message as Record<string, unknown>)) {
        const list = Array.isArray(value) ? value : [value];
        for (const m of list) if (typeof m === 'string') out.push(attr === 'base' ? m : `${attr} ${m}`);
      }
      if (out.length) return out;
    }
    if (typeof b.error_description === 'string') return [b.error_description];
    if (typeof b.error === 'string') return [b.error];
  }
  if (typeof body === 'string' && body.trim() && body.length < 500) return [body.trim()];
  return [fallback];
}
