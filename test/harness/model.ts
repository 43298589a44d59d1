/** Helpers for tests that drive the ExplorerModel. */
import type { ExplorerModel, Logger, ModelChange } from '../../src/tree/ExplorerModel';

/** A logger that prints trace lines only when BERTH_TRACE is set. */
export const quietLog: Logger = {
  trace: (m) => {
    if (process.env.BERTH_TRACE) console.log(m);
  },
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Resolves with the first change for which `predicate` holds, or rejects after `ms`. */
export function nextChange(model: ExplorerModel, predicate: (change: ModelChange) => boolean, ms = 10_000): Promise<ModelChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no matching model change within ${ms} ms`));
    }, ms);
    const sub = model.onDidChange((change) => {
      if (predicate(change)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(change);
      }
    });
  });
}
