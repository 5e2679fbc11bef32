import { describe, expect, it } from 'vitest';
import { duration, elapsedOnItem, localDateTime, meetingWhen, shortDate } from '../../plugins/agenda/web/format';

describe('agenda panel formatting', () => {
  it('shows meetings in Paris time, in summer and in winter', () => {
    // 12:00 UTC in June is 14:00 in Paris; 08:30 UTC in November is 09:30.
    expect(meetingWhen('2026-06-12T12:00:00.000Z', '2026-06-12T14:30:00.000Z', 'fr-FR')).toBe(
      'vendredi 12 juin 2026, 14:00 – 16:30',
    );
    expect(meetingWhen('2026-11-05T08:30:00.000Z', '2026-11-05T11:00:00.000Z', 'fr-FR')).toBe(
      'jeudi 5 novembre 2026, 09:30 – 12:00',
    );
    // Late evening UTC is already the next day in Paris.
    expect(meetingWhen('2026-12-31T23:30:00.000Z', '2027-01-01T00:30:00.000Z', 'fr-FR')).toMatch(/^vendredi 1 janvier 2027, 00:30/);
  });

  it('formats dates, durations and the running timer', () => {
    expect(shortDate('2027-04-30')).toBe('30/04/2027');
    expect(shortDate('2027-03-12T14:00')).toBe('12/03/2027');
    expect(duration(725)).toBe('12 min 05 s');
    expect(duration(-3)).toBe('0 min 00 s');
    const since = '2026-06-12T12:00:00.000Z';
    expect(elapsedOnItem(60, since, Date.parse(since) + 90_000)).toBe(150);
    expect(elapsedOnItem(60, null, Date.now())).toBe(60);
  });

  it('builds the Paris wall-clock times the server expects, or refuses', () => {
    expect(localDateTime('2026-06-12', '14:00')).toBe('2026-06-12T14:00');
    expect(localDateTime('12/06/2026', '14:00')).toBeNull();
    expect(localDateTime('2026-06-12', '')).toBeNull();
  });
});
