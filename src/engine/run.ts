/**
 * Creating and starting a container from a ContainerCreate body (built by `toCreateOptions`),
 * with cancellation, a timeout and classified errors, plus the names of the run failures the
 * UI words specially (missing image, name taken, port taken).
 */
import type Docker from 'dockerode';
import type { ContainerCreateBody } from '../run/runOptions';
import { withCallScope } from './callScope';
import { RequestFailedError, classifyError } from './errors';

export interface RunCallOptions {
  signal?: AbortSignal;
  /** Default 30 s. */
  timeoutMs?: number;
}

export interface CreateContainerOptions extends RunCallOptions {
  /** `os[/arch[/variant]]`: which of a multi-platform image's variants to use. */
  platform?: string;
}

export interface CreatedContainer {
  id: string;
  /** The engine's warnings, e.g. about a memory limit without swap accounting. */
  warnings: string[];
}

const DEFAULT_TIMEOUT_MS = 30_000;

function call<T>(options: RunCallOptions, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return withCallScope(options, DEFAULT_TIMEOUT_MS, fn);
}

function dial<T>(docker: Docker, request: Parameters<Docker['modem']['dial']>[0]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    docker.modem.dial(request, (error, data) => (error ? reject(error) : resolve(data as T)));
  });
}

/**
 * `POST /containers/create`. Dialled directly rather than through dockerode's `createContainer`,
 * which drops the engine's warnings and sends the whole body in the query string as well.
 * A cancellation after the request left may still leave a created container behind (the engine
 * does not roll back); callers that cancel should look it up by name.
 */
export function createContainer(docker: Docker, body: ContainerCreateBody, name: string | undefined, options: CreateContainerOptions = {}): Promise<CreatedContainer> {
  return call(options, async (abortSignal) => {
    const query: Record<string, string> = {};
    if (name !== undefined) query.name = name;
    if (options.platform !== undefined && options.platform !== '') query.platform = options.platform;
    const response = await dial<{ Id?: unknown; Warnings?: unknown }>(docker, {
      // docker-modem appends a query only to a path ending in `?`.
      path: Object.keys(query).length > 0 ? '/containers/create?' : '/containers/create',
      method: 'POST',
      options: { _query: query, _body: body },
      abortSignal,
      statusCodes: { 200: true, 201: true, 400: 'bad parameter', 404: 'no such image', 409: 'conflict', 500: 'server error' },
    });
    if (typeof response?.Id !== 'string') throw new RequestFailedError(undefined, 'The engine did not return the new container id.');
    const warnings = Array.isArray(response.Warnings) ? response.Warnings.filter((w): w is string => typeof w === 'string' && w !== '') : [];
    return { id: response.Id, warnings };
  });
}

/** `POST /containers/{id}/start`. Starting a running container is not an error. */
export function startContainer(docker: Docker, id: string, options: RunCallOptions = {}): Promise<void> {
  return call(options, async (abortSignal) => {
    await dial<unknown>(docker, {
      path: `/containers/${encodeURIComponent(id)}/start?`,
      method: 'POST',
      options: {},
      abortSignal,
      statusCodes: { 200: true, 204: true, 304: true, 404: 'no such container', 500: 'server error' },
    });
  });
}

export type RunFailureKind = 'image-missing' | 'name-in-use' | 'port-in-use' | 'other';

/**
 * Which well-known run failure an error is, from the engine's message (Docker's and Podman's
 * wordings). Accepts raw dockerode errors as well as classified ones.
 */
export function runFailureKind(error: unknown): RunFailureKind {
  const classified = classifyError(error);
  if (!(classified instanceof RequestFailedError)) return 'other';
  const message = classified.engineMessage;
  if (/no such image|image not known|pull access denied|repository does not exist/i.test(message)) return 'image-missing';
  if (/name .* is already in use|is already in use by container/i.test(message) || (classified.statusCode === 409 && /conflict/i.test(message) && /name/i.test(message))) {
    return 'name-in-use';
  }
  if (/port is already allocated|address already in use|ports are not available/i.test(message)) return 'port-in-use';
  return 'other';
}
