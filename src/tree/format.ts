/** Pure formatting helpers shared by tree items and views. */
import type { Translate } from '../l10n';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Decimal units, as `docker images` prints sizes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) {
    return '?';
  }
  let value = bytes;
  let unit = 0;
  for (;;) {
    const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
    const text = value.toFixed(digits);
    // Choose the unit after rounding, so 999 999 B reads "1.00 MB", never "1000 kB".
    if (Number(text) >= 1000 && unit < UNITS.length - 1) {
      value /= 1000;
      unit++;
      continue;
    }
    if (digits > 0 && Number(text) >= (digits === 2 ? 10 : 100)) {
      // Rounding crossed into the next precision band (9.999 → "10.00"): print it with fewer digits.
      return `${value.toFixed(digits - 1)} ${UNITS[unit] ?? ''}`.trim();
    }
    return `${text} ${UNITS[unit] ?? ''}`.trim();
  }
}

/** "3 minutes ago", "2 days ago": the age of something created at `createdSec`. */
export function formatAge(createdSec: number, nowMs: number, t: Translate): string {
  const seconds = Math.max(0, Math.floor(nowMs / 1000 - createdSec));
  if (seconds < 5) return t('just now');
  if (seconds < 60) return t('{0} seconds ago', seconds);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return minutes === 1 ? t('1 minute ago') : t('{0} minutes ago', minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? t('1 hour ago') : t('{0} hours ago', hours);
  const days = Math.floor(hours / 24);
  if (days < 30) return days === 1 ? t('1 day ago') : t('{0} days ago', days);
  const months = Math.floor(days / 30);
  if (days < 365) return months === 1 ? t('1 month ago') : t('{0} months ago', months);
  const years = Math.floor(days / 365);
  return years === 1 ? t('1 year ago') : t('{0} years ago', years);
}

export function shortId(id: string): string {
  const bare = id.startsWith('sha256:') ? id.slice('sha256:'.length) : id;
  return bare.slice(0, 12);
}
