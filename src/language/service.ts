/**
 * dockerfile-language-service (DLS), loaded the first time a Dockerfile feature needs it, so that
 * registering the providers costs nothing at activation. Two of its internals are adjusted here:
 * - its Docker Hub client is replaced by Berth's bounded one (see registryTags.ts);
 * - its semantic tokens builder appends with `tokens = tokens.concat([...])`, copying the whole array
 *   for every token (quadratic: 13.5 s for 4,000 lines here); one array with an in-place `concat`
 *   gives the same tokens in linear appends.
 * Both adjustments check the shapes they touch and fall back to the library's own code if it changed.
 * No `vscode` import.
 */
import type { DockerfileLanguageService } from 'dockerfile-language-service';
import type { LspSemanticTokens } from './convert/lsp';
import type * as Library from './dockerfileLanguageService';
import type { RegistryTags } from './registryTags';

/**
 * DLS re-parses the whole file with dockerfile-ast for every request, and several of its features
 * grow faster than linearly (measured here: at 5,000 lines hover 160 ms, highlights 460 ms, semantic
 * tokens 1.9 s even with the fix above; at 23,000 lines hover 5.8 s). Its work runs on the extension
 * host's thread, so above these sizes Berth leaves the feature off rather than freeze the editor.
 */
export const LINE_LIMITS = {
  /** Semantic tokens are requested after every edit pause (1,000 lines: about 200 ms here). */
  semanticTokens: 1000,
  /** Hover, highlights, completion, signature help, folding, symbols, links: frequent, passive. */
  passive: 3000,
  /** Formatting, rename, go to definition: run when asked for. */
  explicit: 10000,
} as const;

export type FeatureWeight = keyof typeof LINE_LIMITS;

export function withinLimit(weight: FeatureWeight, lineCount: number): boolean {
  return lineCount <= LINE_LIMITS[weight];
}

export interface DockerfileServiceOptions {
  registry: Pick<RegistryTags, 'getTags'>;
  log: (message: string) => void;
}

export class LazyDockerfileService {
  private loading: Promise<DockerfileLanguageService> | undefined;
  private semanticTokensImpl: ((content: string) => LspSemanticTokens) | undefined;

  constructor(private readonly options: DockerfileServiceOptions) {}

  /** Whether the library has been loaded (for tests and the activation benchmark). */
  get loaded(): boolean {
    return this.loading !== undefined;
  }

  get(): Promise<DockerfileLanguageService> {
    if (!this.loading) {
      const loading = this.load();
      this.loading = loading;
      loading.catch(() => {
        // A failed load is retried on the next request.
        if (this.loading === loading) this.loading = undefined;
      });
    }
    return this.loading;
  }

  private async load(): Promise<DockerfileLanguageService> {
    const started = Date.now();
    const library = await import('./dockerfileLanguageService');
    this.replaceRegistryClient(library.DockerRegistryClient);
    this.semanticTokensImpl = linearSemanticTokens(library.DockerSemanticTokens);
    const service = library.DockerfileLanguageServiceFactory.createLanguageService();
    service.setCapabilities({
      completion: { completionItem: { snippetSupport: true, deprecatedSupport: true, documentationFormat: ['markdown', 'plaintext'], tagSupport: { valueSet: [1] } } },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      // VS Code folds whole lines.
      foldingRange: { lineFoldingOnly: true },
    });
    service.setLogger({ log: (message) => this.options.log(`dockerfile-language-service: ${message}`) });
    this.options.log(`dockerfile-language-service loaded in ${Date.now() - started} ms`);
    return service;
  }

  private replaceRegistryClient(DockerRegistryClient: typeof Library.DockerRegistryClient): void {
    const proto = DockerRegistryClient.prototype as { getTags?: unknown };
    if (typeof proto.getTags !== 'function') {
      this.options.log('dockerfile-language-service: its registry client changed shape; Docker Hub tag completion is left as the library does it');
      return;
    }
    const registry = this.options.registry;
    // DLS builds a new client for every completion request, so patching the prototype is the only seam.
    DockerRegistryClient.prototype.getTags = (image: string) => registry.getTags(image);
  }

  async semanticTokens(content: string): Promise<LspSemanticTokens> {
    const service = await this.get();
    return this.semanticTokensImpl ? this.semanticTokensImpl(content) : service.computeSemanticTokens(content);
  }
}

/** DLS's own semantic tokens, with the quadratic `concat` replaced by in-place appends. */
function linearSemanticTokens(DockerSemanticTokens: typeof Library.DockerSemanticTokens): (content: string) => LspSemanticTokens {
  return (content) => {
    const builder = new DockerSemanticTokens(content);
    const internals = builder as unknown as { tokens?: unknown };
    if (Array.isArray(internals.tokens) && internals.tokens.length === 0) {
      const tokens: number[] = [];
      Object.defineProperty(tokens, 'concat', {
        value(this: number[], items: readonly number[]): number[] {
          for (const item of items) this.push(item);
          return this;
        },
      });
      internals.tokens = tokens;
    }
    return builder.computeSemanticTokens();
  };
}
