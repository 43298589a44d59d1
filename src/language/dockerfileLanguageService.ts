/**
 * The one module that loads dockerfile-language-service at run time. service.ts imports it with
 * `await import()`, so the library (with dockerfile-ast, dockerfile-utils and the LSP types) is
 * evaluated only when a Dockerfile feature first runs; the bundler can also emit it as its own file.
 */
export { DockerfileLanguageServiceFactory } from 'dockerfile-language-service';
export { DockerRegistryClient } from 'dockerfile-language-service/lib/dockerRegistryClient';
export { DockerSemanticTokens } from 'dockerfile-language-service/lib/dockerSemanticTokens';
