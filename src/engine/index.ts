/**
 * The engine layer's entry point: resolve where the engine is from this machine's real
 * environment, and connect to it. dockerode is loaded here, lazily, on the first connection.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { ContainerEngine } from './ContainerEngine';
import { EngineUnavailableError } from './errors';
import { resolveConnection, toModemOptions } from './connection';
import type { ConnectionResolution, ResolvedConnection } from './connection';

export type { ContainerEngine } from './ContainerEngine';
export * from './errors';

function readFileOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Resolves the engine address from the setting, the environment and Docker's own config files. */
export function resolveEngineConnection(settingHost: string, env: NodeJS.ProcessEnv = process.env): ConnectionResolution {
  return resolveConnection({
    settingHost,
    env,
    home: homedir(),
    platform: process.platform,
    readFile: readFileOrUndefined,
    exists: existsSync,
  });
}

export async function connectEngine(connection: ResolvedConnection, defaultTimeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<ContainerEngine> {
  const { DockerodeEngine } = await import('./dockerodeEngine');
  try {
    return new DockerodeEngine({ modem: toModemOptions(connection.endpoint, readFileOrUndefined, env), defaultTimeoutMs });
  } catch (error) {
    // docker-modem reads DOCKER_* variables and certificate files when constructed, and throws on bad ones.
    throw new EngineUnavailableError('bad-address', error instanceof Error ? error.message : String(error));
  }
}
