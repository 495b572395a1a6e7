/**
 * Where the signed-in token lives: sessionStorage, so it is per tab and gone when the tab closes.
 * Every API request sends it as PRIVATE-TOKEN; EventSource (which cannot set headers) sends it as
 * the `private_token` query parameter.
 */
const KEY = 'runnel.token';

export function readToken(): string | null {
  try { return sessionStorage.getItem(KEY); } catch { return null; }
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  try { sessionStorage.removeItem(KEY); } catch { /* storage unavailable: nothing stored */ }
}
