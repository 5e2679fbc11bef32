/**
 * The "choose your password" screen's logic: which link opened the page, and
 * what is wrong with the password typed (docs/protocol.md, `password.set`).
 */

/** The server's minimum length of a password. */
export const MIN_PASSWORD_LENGTH = 10;
/** The server's maximum length of a password. */
export const MAX_PASSWORD_LENGTH = 1024;

export type LinkKind = 'invitation' | 'reset';

export interface PasswordLink {
  kind: LinkKind;
  token: string;
}

/** The one-time link in a page's query string: `?invitation=<token>` or `?reset=<token>`. */
export function readPasswordLink(search: string): PasswordLink | null {
  const params = new URLSearchParams(search);
  for (const kind of ['invitation', 'reset'] as const) {
    const token = params.get(kind)?.trim();
    if (token) return { kind, token };
  }
  return null;
}

export type PasswordProblem = 'missing' | 'tooShort' | 'tooLong' | 'confirmMissing' | 'mismatch';

/** Characters as a person counts them (code points, not UTF-16 units). */
export function passwordLength(password: string): number {
  return [...password].length;
}

/** What stops this password from being sent, or null when it can be. */
export function checkNewPassword(password: string, confirmation: string): PasswordProblem | null {
  if (!password) return 'missing';
  const n = passwordLength(password);
  if (n < MIN_PASSWORD_LENGTH) return 'tooShort';
  if (n > MAX_PASSWORD_LENGTH) return 'tooLong';
  if (!confirmation) return 'confirmMissing';
  if (password !== confirmation) return 'mismatch';
  return null;
}

/** The field a problem is about (to point at it). */
export function problemField(problem: PasswordProblem): 'password' | 'confirm' {
  return problem === 'confirmMissing' || problem === 'mismatch' ? 'confirm' : 'password';
}
