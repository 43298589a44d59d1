/**
 * The translation function pure modules take as a parameter, so they can produce user-facing text
 * without importing `vscode`. In the extension it is `vscode.l10n.t`; tests pass `formatMessage`.
 */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** Substitutes `{0}`, `{1}`… the way `vscode.l10n.t` does, without translating. */
export const formatMessage: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
