/** Small checks shared by forms, done before asking the server (which checks again). */

/** A plausible email address: something@domain.tld, without spaces. */
export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(value.trim());
}

export type InviteRole = 'member' | 'observer' | 'owner';
export const INVITE_ROLES: readonly InviteRole[] = ['member', 'observer', 'owner'];

export interface InviteInput {
  name: string;
  email: string;
  role: string;
}

/** The arguments of `invitations.create`, or what is wrong with the form. */
export function inviteArgs(
  workspace: number,
  input: InviteInput,
): { ok: true; args: { workspace: number; name: string; email: string; role: InviteRole } } | { ok: false; problem: 'missing' | 'badEmail' } {
  const name = input.name.trim();
  const email = input.email.trim();
  if (!name || !email) return { ok: false, problem: 'missing' };
  if (!looksLikeEmail(email)) return { ok: false, problem: 'badEmail' };
  const role = (INVITE_ROLES as readonly string[]).includes(input.role) ? (input.role as InviteRole) : 'member';
  return { ok: true, args: { workspace, name, email, role } };
}
