import { describe, expect, it } from 'vitest';
import { checkNewPassword, passwordLength, problemField, readPasswordLink } from '../src/password';
import { INVITE_ROLES, inviteArgs, looksLikeEmail } from '../src/forms';

describe('one-time links', () => {
  it('reads an invitation or a reset token from the query string', () => {
    expect(readPasswordLink('?invitation=abcDEF123456')).toEqual({ kind: 'invitation', token: 'abcDEF123456' });
    expect(readPasswordLink('?reset=zzz-111_222')).toEqual({ kind: 'reset', token: 'zzz-111_222' });
    expect(readPasswordLink('?q=x&reset=tok%2Ben')).toEqual({ kind: 'reset', token: 'tok+en' });
  });

  it('ignores pages opened without a link', () => {
    expect(readPasswordLink('')).toBeNull();
    expect(readPasswordLink('?q=reset')).toBeNull();
    expect(readPasswordLink('?invitation=')).toBeNull();
    expect(readPasswordLink('?invitation=%20')).toBeNull();
  });
});

describe('the new password', () => {
  it('needs a password of at least 10 characters, confirmed', () => {
    expect(checkNewPassword('', '')).toBe('missing');
    expect(checkNewPassword('123456789', '123456789')).toBe('tooShort');
    expect(checkNewPassword('1234567890', '')).toBe('confirmMissing');
    expect(checkNewPassword('1234567890', '1234567891')).toBe('mismatch');
    expect(checkNewPassword('1234567890', '1234567890')).toBeNull();
    expect(checkNewPassword('x'.repeat(1025), 'x'.repeat(1025))).toBe('tooLong');
  });

  it('counts characters as people do (accents and emoji are one each)', () => {
    expect(passwordLength('été')).toBe(3);
    expect(passwordLength('🔑🔑')).toBe(2);
    expect(checkNewPassword('🔑🔑🔑🔑🔑🔑🔑🔑🔑', '🔑🔑🔑🔑🔑🔑🔑🔑🔑')).toBe('tooShort');
    expect(checkNewPassword('Chambéry à vélo', 'Chambéry à vélo')).toBeNull();
  });

  it('does not trim: spaces count and must match', () => {
    expect(checkNewPassword('  mot de passe  ', '  mot de passe  ')).toBeNull();
    expect(checkNewPassword('  mot de passe  ', 'mot de passe')).toBe('mismatch');
  });

  it('points at the field to fix', () => {
    expect(problemField('tooShort')).toBe('password');
    expect(problemField('missing')).toBe('password');
    expect(problemField('mismatch')).toBe('confirm');
    expect(problemField('confirmMissing')).toBe('confirm');
  });
});

describe('the invitation form', () => {
  it('accepts plausible email addresses only', () => {
    expect(looksLikeEmail('invite-1@example.org')).toBe(true);
    expect(looksLikeEmail('  a.b@ville-chambery.fr ')).toBe(true);
    expect(looksLikeEmail('a@b')).toBe(false);
    expect(looksLikeEmail('a b@c.fr')).toBe(false);
    expect(looksLikeEmail('@c.fr')).toBe(false);
    expect(looksLikeEmail('a@.fr')).toBe(false);
  });

  it('builds the arguments of invitations.create', () => {
    expect(inviteArgs(7, { name: ' Agnès Daffos ', email: ' agnes@example.org', role: 'observer' })).toEqual({
      ok: true,
      args: { workspace: 7, name: 'Agnès Daffos', email: 'agnes@example.org', role: 'observer' },
    });
    expect(inviteArgs(7, { name: 'A', email: 'a@example.org', role: 'admin' })).toMatchObject({ args: { role: 'member' } });
    expect(inviteArgs(7, { name: '', email: 'a@example.org', role: 'member' })).toEqual({ ok: false, problem: 'missing' });
    expect(inviteArgs(7, { name: 'A', email: 'pas une adresse', role: 'member' })).toEqual({ ok: false, problem: 'badEmail' });
    expect(INVITE_ROLES).toEqual(['member', 'observer', 'owner']);
  });
});
