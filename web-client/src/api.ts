/**
 * The few HTTP calls of the client (docs/protocol.md, "HTTP"): sign-in,
 * sign-out and `session.me` (to learn at load whether the session cookie is
 * valid: a browser does not tell why a WebSocket upgrade failed). The session
 * is an HttpOnly cookie: the client never sees the token.
 */
import type { ErrorBody, SessionMe } from './protocol/types';

export interface HttpResult<T> {
  status: number;
  ok: boolean;
  result?: T;
  error?: ErrorBody;
  retryAfter?: number;
}

export class NetworkError extends Error {}

export async function postApi<T>(op: string, body: unknown = {}): Promise<HttpResult<T>> {
  let res: Response;
  try {
    res = await fetch(`/api/${op}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new NetworkError((err as Error).message);
  }
  let json: any = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  const header = Number(res.headers.get('Retry-After'));
  const retryAfter = json?.error?.retry_after ?? (Number.isFinite(header) && header > 0 ? header : undefined);
  return {
    status: res.status,
    ok: res.ok && json?.ok !== false,
    result: json?.result,
    error: json?.error,
    retryAfter,
  };
}

export function login(email: string, password: string) {
  return postApi<{ person: SessionMe['person'] }>('login', { email, password });
}

export function logout() {
  return postApi<unknown>('logout', {});
}

/**
 * The signed-in person, or null when there is no valid session (401).
 * Throws {@link NetworkError} when the server cannot be reached, and an
 * Error for other failures, so that the caller can retry.
 */
export async function sessionMe(): Promise<SessionMe | null> {
  const r = await postApi<SessionMe>('session.me', {});
  if (r.status === 401) return null;
  if (!r.ok || !r.result) throw new Error(`session.me: HTTP ${r.status}`);
  return r.result;
}

/**
 * Sets the password from a one-time link (invitation or reset) and signs in:
 * on success the server sets the session cookie, as `/api/login` does.
 */
export function setPassword(token: string, password: string) {
  return postApi<{ person: SessionMe['person'] }>('password.set', { token, password });
}

/**
 * Asks for a password-reset link by email (`password.reset_request`,
 * anonymous). The server answers `{}` whether or not an account has this
 * address, so that nobody can learn who has one.
 */
export function requestPasswordReset(email: string) {
  return postApi<Record<string, never>>('password.reset_request', { email });
}

/** Everything the server stores about the signed-in person (`me.export`). */
export function exportMyData() {
  return postApi<Record<string, unknown>>('me.export', {});
}

/** The file name of the personal data download. */
export const MY_DATA_FILE = 'mes-donnees-pacte.json';

/** Offers a JSON value as a file download (a Blob behind an object URL). */
export function downloadJson(value: unknown, fileName: string): void {
  const blob = new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Long enough for the browser to start reading it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
