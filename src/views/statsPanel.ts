/**
 * The Stats view: a small webview per container with CPU, memory against its limit, network and
 * block I/O and PIDs, updated with each engine sample (about once a second). The stream runs only
 * while the panel is visible and stops when it is closed.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { EngineProvider } from '../EngineProvider';
import { StatsSession, statsRows } from './stats';

export const STATS_VIEW_TYPE = 'berth.stats';

export interface StatsPanelHandle {
  readonly panel: vscode.WebviewPanel;
  readonly session: StatsSession;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(webview: vscode.Webview, name: string): string {
  const nonce = randomBytes(16).toString('base64');
  const t = vscode.l10n.t;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.5em; }
  h1 { font-size: 1.3em; font-weight: 600; }
  table { border-collapse: collapse; min-width: 28em; }
  td { padding: .45em 1em .45em 0; vertical-align: middle; }
  td.label { color: var(--vscode-descriptionForeground); white-space: nowrap; }
  .bar { height: 6px; width: 14em; background: var(--vscode-editorWidget-border, #8884); border-radius: 3px; overflow: hidden; }
  .fill { height: 100%; background: var(--vscode-charts-blue); transition: width .3s; }
  .fill.high { background: var(--vscode-charts-orange); }
  #status { margin-top: 1em; color: var(--vscode-descriptionForeground); }
</style></head>
<body>
<h1>${escapeHtml(t('Stats: {0}', name))}</h1>
<table><tbody id="rows"></tbody></table>
<div id="status" role="status">${escapeHtml(t('Waiting for the first sample…'))}</div>
<script nonce="${nonce}">
  const rows = document.getElementById('rows');
  const status = document.getElementById('status');
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m.type === 'sample') {
      rows.replaceChildren(...m.rows.map((r) => {
        const tr = document.createElement('tr');
        const label = document.createElement('td'); label.className = 'label'; label.textContent = r.label;
        const value = document.createElement('td'); value.textContent = r.value; value.dataset.row = r.label;
        const barCell = document.createElement('td');
        if (typeof r.percent === 'number') {
          const bar = document.createElement('div'); bar.className = 'bar';
          const fill = document.createElement('div'); fill.className = r.percent > 80 ? 'fill high' : 'fill';
          fill.style.width = r.percent.toFixed(1) + '%';
          bar.appendChild(fill); barCell.appendChild(bar);
        }
        tr.append(label, value, barCell);
        return tr;
      }));
      status.textContent = m.status;
    } else if (m.type === 'status') {
      status.textContent = m.status;
    }
  });
</script>
</body></html>`;
}

/** The open Stats panels, one per container. */
export class StatsPanels implements vscode.Disposable {
  private readonly open = new Map<string, StatsPanelHandle>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly engines: EngineProvider) {
    this.subscription = engines.onDidChangeEngine(() => {
      for (const handle of this.open.values()) {
        if (!handle.session.streaming) continue;
        void handle.panel.webview.postMessage({ type: 'status', status: vscode.l10n.t('Berth now connects to the engine at {0}…', engines.address()) });
        handle.session.engineChanged();
      }
    });
  }

  show(id: string, name: string): StatsPanelHandle {
    return showStats(this.engines, id, name, this.open);
  }

  get(id: string): StatsPanelHandle | undefined {
    return this.open.get(id);
  }

  dispose(): void {
    this.subscription.dispose();
    for (const handle of [...this.open.values()]) handle.panel.dispose();
  }
}

function showStats(engines: EngineProvider, id: string, name: string, openPanels: Map<string, StatsPanelHandle>): StatsPanelHandle {
  const existing = openPanels.get(id);
  if (existing) {
    existing.panel.reveal();
    return existing;
  }
  const t = vscode.l10n.t;
  const panel = vscode.window.createWebviewPanel(STATS_VIEW_TYPE, t('Stats: {0}', name), vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false });
  const session = new StatsSession(
    () => engines.get(),
    id,
    (figures, sample) => {
      void panel.webview.postMessage({ type: 'sample', rows: statsRows(figures, t), status: t('Updated {0}', new Date(sample.read).toLocaleTimeString()) });
    },
    (end) => {
      const status = end.kind === 'stopped' ? t('The container is not running: no more samples.') : t('Stats stopped: {0}', end.message);
      void panel.webview.postMessage({ type: 'status', status });
    },
  );
  const handle: StatsPanelHandle = { panel, session };
  const load = (): void => {
    // Without retained context, the page is rebuilt when shown again.
    panel.webview.html = html(panel.webview, name);
  };
  load();
  const subscriptions = [
    panel.onDidChangeViewState(({ webviewPanel }) => {
      if (webviewPanel.visible && !session.streaming) load();
      session.setVisible(webviewPanel.visible);
    }),
    panel.onDidDispose(() => {
      session.dispose();
      openPanels.delete(id);
      for (const s of subscriptions) s.dispose();
    }),
  ];
  openPanels.set(id, handle);
  session.setVisible(panel.visible);
  return handle;
}
