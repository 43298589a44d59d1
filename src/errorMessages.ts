/** Plain words for engine failures, shared by the explorer's welcome content and command errors. */
import type { AnyEngineError } from './engine/errors';
import type { Translate } from './l10n';

export function describeEngineError(error: AnyEngineError, address: string, t: Translate): string {
  if (error.kind === 'cancelled') {
    return t('The operation was cancelled.');
  }
  if (error.kind === 'request-failed') {
    const archive = describeArchiveProblem(error, t);
    if (archive !== undefined) return archive;
    const detail = error.engineMessage || t('no details');
    return error.statusCode !== undefined ? t('The engine refused the request ({0}): {1}', error.statusCode, detail) : t('The request failed: {0}', detail);
  }
  switch (error.reason) {
    case 'not-running':
      return t('Nothing is listening at {0}. Is the container engine running?', address);
    case 'no-socket':
      return t('There is no engine socket at {0}. Start Docker or Podman, or set berth.engine.host to where your engine listens.', address);
    case 'permission':
      return t('Permission denied opening {0}. Add your user to the docker group (then log in again), or use a rootless engine.', address);
    case 'host-unknown':
      return t('The engine host in {0} could not be found. Check the address and your network.', address);
    case 'timeout':
      return t('The engine at {0} did not answer in time. It may be starting or overloaded.', address);
    case 'tls':
      return t('The TLS handshake with {0} failed: {1}. Check DOCKER_CERT_PATH or the context\'s certificates.', address, error.detail);
    case 'ssh':
      return t('The SSH connection to {0} failed: {1}. Check that your SSH agent holds a key the host accepts.', address, error.detail);
    case 'connection-lost':
      return t('The connection to the engine at {0} was lost.', address);
    case 'bad-address':
      return t('The engine address is not usable: {0}', error.detail);
    default:
      return t('Could not reach the engine at {0}: {1}', address, error.detail);
  }
}

/**
 * Plain words for a file transfer failure (an ArchiveError, read by its shape so this file needs no
 * engine import); undefined for any other error. The engine layer's own texts are English.
 */
export function describeArchiveProblem(error: { problem?: unknown; path?: unknown; engineMessage?: unknown }, t: Translate): string | undefined {
  const path = typeof error.path === 'string' ? error.path : '';
  const detail = typeof error.engineMessage === 'string' && error.engineMessage.trim() ? error.engineMessage.trim() : t('no details');
  switch (error.problem) {
    case 'not-found':
      return t('{0} was not found: the path is not in the container, or the container is gone.', path);
    case 'is-directory':
      return t('{0} is a folder.', path);
    case 'not-directory':
      return t('{0} is not a folder.', path);
    case 'not-file':
      return t('{0} is not a regular file (it may be a device, a pipe or a socket).', path);
    case 'exists':
      return t('{0} already exists.', path);
    case 'too-large':
      return t('{0} is too large to open from the container. Copy it to this computer instead.', path);
    case 'not-permitted':
      return t('The engine does not allow writing {0}: {1}', path, detail);
    case 'unsupported':
      return t('Files in a container can be read and written here, but not deleted or renamed.');
    case 'bad-path':
      return t('{0} is not an absolute path in the container.', path);
    case 'host-io':
      return t('Reading or writing on this computer failed: {0}', detail);
    default:
      return undefined;
  }
}
