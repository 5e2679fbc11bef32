/**
 * Pure formatting helpers of the agenda panel (no DOM, no SDK import: unit-tested in
 * web-client/test/agenda-format.test.ts). Times are shown in Paris time whatever the
 * browser's own time zone, as the server stores them.
 */

export const PARIS = 'Europe/Paris';

/** "jeudi 12 mars 2026, 14:00 – 16:30" (fr-FR) for a meeting's UTC start and end. */
export function meetingWhen(startUtc: string, endUtc: string, locale: string): string {
  const d = new Date(startUtc);
  const e = new Date(endUtc);
  const day = new Intl.DateTimeFormat(locale, { timeZone: PARIS, dateStyle: 'full' }).format(d);
  const time = new Intl.DateTimeFormat(locale, { timeZone: PARIS, timeStyle: 'short' });
  return `${day}, ${time.format(d)} – ${time.format(e)}`;
}

/** "2026-04-30" or "2026-04-30T10:00" -> "30/04/2026". */
export function shortDate(local: string): string {
  const [y, mo, d] = local.slice(0, 10).split('-');
  return `${d}/${mo}/${y}`;
}

/** Seconds as "12 min 05 s" (never negative). */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** Seconds spent on the current item: stored time plus the running stretch. */
export function elapsedOnItem(spentSeconds: number, since: string | null, nowMs: number): number {
  if (!since) return spentSeconds;
  const start = Date.parse(since);
  return Number.isNaN(start) ? spentSeconds : spentSeconds + Math.max(0, (nowMs - start) / 1000);
}

/** The Paris wall-clock "YYYY-MM-DDTHH:MM" the server expects, from a date and a time input. */
export function localDateTime(date: string, time: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  return `${date}T${time}`;
}
