/**
 * Dockerfile editor features: dockerfile-language-service's (completion, hover, signature help,
 * formatting, outline, folding, links, definition, highlights, rename, semantic tokens) plus
 * Berth's completions from the engine and the file's own stages and variables.
 *
 * Registering is cheap: the library is loaded the first time a Dockerfile feature runs.
 */
import * as vscode from 'vscode';
import type { ContainerEngine } from '../engine/ContainerEngine';
import { COMPLETION_TRIGGERS, DockerfileCompletionProvider } from './completionProvider';
import { EngineImageNames } from './engineImages';
import { ParsedDocuments, registerServiceProviders, ServiceRunner } from './providers';
import { RegistryTags } from './registryTags';
import { LazyDockerfileService } from './service';

/** Every Dockerfile, whatever its scheme: the features only read the document's text. */
export const DOCKERFILE_SELECTOR: vscode.DocumentSelector = [{ language: 'dockerfile' }];

export interface DockerfileLanguageOptions {
  getEngine: () => Promise<ContainerEngine>;
  log: vscode.LogOutputChannel;
  config: { registryLookups(): boolean };
}

export function registerDockerfileLanguage(options: DockerfileLanguageOptions): vscode.Disposable {
  const { log } = options;
  const registry = new RegistryTags({ enabled: () => options.config.registryLookups(), log: (message) => log.debug(message) });
  const service = new LazyDockerfileService({ registry, log: (message) => log.debug(message) });
  const images = new EngineImageNames(options.getEngine, {
    onError: (error) => log.debug(`Image completion has no engine images: ${error instanceof Error ? error.message : String(error)}`),
  });
  const context = { service, log, parsed: new ParsedDocuments() };
  const runner = new ServiceRunner(context);
  const completion = new DockerfileCompletionProvider({
    ...context,
    runner,
    images,
    registry,
    registryLookups: () => options.config.registryLookups(),
  });
  return vscode.Disposable.from(
    ...registerServiceProviders(DOCKERFILE_SELECTOR, context, runner),
    vscode.languages.registerCompletionItemProvider(DOCKERFILE_SELECTOR, completion, ...COMPLETION_TRIGGERS),
    images,
    registry,
  );
}
