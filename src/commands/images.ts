/** Pure rules for image commands: reference parsing and validation, and why an image cannot go. */
import type { Translate } from '../l10n';

/** Splits `registry:5000/team/app:1.2` into repository and tag (default `latest`); digests are not tags. */
export function splitReference(reference: string): { repository: string; tag: string } {
  const at = reference.indexOf('@');
  const base = at >= 0 ? reference.slice(0, at) : reference;
  const slash = base.lastIndexOf('/');
  const colon = base.lastIndexOf(':');
  if (colon > slash) return { repository: base.slice(0, colon), tag: base.slice(colon + 1) };
  return { repository: base, tag: 'latest' };
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** Docker's reference grammar (simplified to what users type): an error message, or undefined when valid. */
export function validateReference(reference: string, t: Translate): string | undefined {
  const value = reference.trim();
  if (!value) return t('A name is required, such as myapp:1.0.');
  if (value.includes('@')) return t('Use a tag, not a digest.');
  const { repository, tag } = splitReference(value);
  if (!TAG.test(tag)) return t('The tag "{0}" may hold letters, digits, "_", "." and "-" (up to 128), not starting with "." or "-".', tag);
  const parts = repository.split('/');
  // The first part may be a registry host (with a dot, a port, or "localhost").
  const first = parts[0] ?? '';
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  for (const part of hasRegistry ? parts.slice(1) : parts) {
    if (!COMPONENT.test(part)) return t('"{0}" is not a valid repository name: use lowercase letters, digits and separators (".", "_", "-").', part);
  }
  if (hasRegistry && !/^[a-zA-Z0-9.-]+(?::\d+)?$/.test(first)) return t('"{0}" is not a valid registry host.', first);
  return undefined;
}

/** Plain words for the engine's refusal to remove an image. */
export function explainImageRemovalFailure(engineMessage: string, t: Translate): string | undefined {
  const container = /container ([0-9a-f]{12,64}) is using its referenced image/i.exec(engineMessage) ?? /being used by (?:running|stopped) container ([0-9a-f]{12,64})/i.exec(engineMessage);
  if (container) return t('A container ({0}) was created from this image. Remove that container first, then the image.', (container[1] ?? '').slice(0, 12));
  if (/has dependent child images/i.test(engineMessage)) return t('Other local images were built on top of this one (dependent child images). Remove them first, or remove this image by its tags.');
  if (/must be forced|referenced in multiple repositories/i.test(engineMessage)) return t('This image has several tags. Remove the tags one by one, or all of them from the image row.');
  return undefined;
}
