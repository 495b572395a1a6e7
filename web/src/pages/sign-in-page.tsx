/**
 * Sign in with username + password (`POST /-/session` → token) or by pasting a personal access
 * token (checked with `GET /api/v4/user` before it is stored). Either way the token goes to
 * sessionStorage and the user returns to `return_to`.
 */
import { useState } from 'preact/hooks';
import { gitlab } from '../api/gitlab-api.ts';
import { ApiError, sendJson } from '../api/http-client.ts';
import { storeToken } from '../api/session-token.ts';
import { navigate } from '../router/navigation.ts';
import { useTitle } from './use-title.ts';

function returnTo(): string {
  const target = new URLSearchParams(location.search).get('return_to') ?? '/';
  // Only same-site paths: never bounce to another origin.
  return target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/-/sign_in') ? target : '/';
}

export function SignInPage() {
  useTitle('Sign in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const finish = async (candidate: string) => {
    await gitlab.currentUser(candidate);
    storeToken(candidate);
    navigate(returnTo(), { replace: true });
  };

  const signIn = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await sendJson<{ token: string }>('POST', '/-/session', { username, password }, { token: null });
      await finish(session.token);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? 'Invalid username or password.' : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const useToken = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await finish(token.trim());
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? 'That token was not accepted.' : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="sign-in">
      <h1>Sign in to Runnel</h1>
      {error && <div class="error-box" role="alert">{error}</div>}
      <form onSubmit={signIn} aria-labelledby="password-heading" class="card">
        <h2 id="password-heading">With your password</h2>
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" required value={username}
          onInput={(e) => setUsername(e.currentTarget.value)} />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required value={password}
          onInput={(e) => setPassword(e.currentTarget.value)} />
        <button type="submit" class="btn btn-primary" disabled={busy}>Sign in</button>
      </form>
      <form onSubmit={useToken} aria-labelledby="token-heading" class="card">
        <h2 id="token-heading">With a personal access token</h2>
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="off" required value={token}
          onInput={(e) => setToken(e.currentTarget.value)} aria-describedby="token-help" />
        <p id="token-help" class="help">Create one with <code>runnel token create --user NAME --scopes api</code>.</p>
        <button type="submit" class="btn" disabled={busy}>Sign in with token</button>
      </form>
    </section>
  );
}
