import { describe, expect, it } from 'vitest';
import { fold, mentionQuery } from '../src/mentions';

describe('@-completion', () => {
  it('finds the word after @ before the caret', () => {
    expect(mentionQuery('Bonjour @Ag', 11)).toEqual({ start: 8, query: 'Ag' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('(@ca', 4)).toEqual({ start: 1, query: 'ca' });
  });

  it('ignores e-mail addresses and finished mentions', () => {
    expect(mentionQuery('equipe@ville', 12)).toBeNull();
    expect(mentionQuery('@Ag ', 4)).toBeNull();
    expect(mentionQuery('@[Agnès](person:3)', 18)).toBeNull();
  });

  it('folds accents and case', () => {
    expect(fold('Agnès ÉLODIE')).toBe('agnes elodie');
  });
});
