/** The words of the notification centre and its preferences, in the current language. */
import { t, tn, type MessageKey } from './i18n';

/** The bell's accessible name: "Notifications, 3 non lues" ("Notifications" when none is unread). */
export function bellLabel(unread: number): string {
  return unread > 0 ? tn('notifications.bellUnread', unread) : t('notifications.bell');
}

/** The short label of a notification's kind ("Mention", "Réunion" …), or '' for a kind this client does not know. */
export function kindText(kind: string): string {
  const key = `notifKind.${kind}` as MessageKey;
  const text = t(key);
  return text === key ? '' : text;
}

/** "Immédiatement", "Toutes les heures", "Chaque jour", "Jamais" (or the mode itself when unknown). */
export function digestText(mode: string): string {
  const key = `prefs.digest.${mode}` as MessageKey;
  const text = t(key);
  return text === key ? mode : text;
}
