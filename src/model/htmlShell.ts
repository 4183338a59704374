import type { WebviewView } from './webviewMessages';

/** What a host fills in: resource URIs as the page may load them, and the CSP source for them. */
export interface WebviewShellOptions {
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  /** VS Code's `webview.cspSource`, or `'self'` when served over HTTP. */
  cspSource: string;
  /** A fresh random value per page; when set, only the script carrying it may run. */
  nonce?: string;
  /** Where the page may fetch from; VS Code webviews talk through postMessage only. */
  connectSrc?: string;
  title?: string;
  /** What to show first (VS Code panels; the browser reads its address instead). */
  view?: WebviewView;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function contentSecurityPolicy(options: WebviewShellOptions): string {
  const source = options.cspSource;
  return [
    "default-src 'none'",
    `script-src ${options.nonce ? `'nonce-${options.nonce}'` : source}`,
    `style-src ${source}`,
    `img-src ${source} data:`,
    `font-src ${source}`,
    `connect-src ${options.connectSrc ?? "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The page that hosts the trace view: no inline script or style, one module script, a strict CSP. */
export function webviewShellHtml(options: WebviewShellOptions): string {
  const nonce = options.nonce ? ` nonce="${escapeHtml(options.nonce)}"` : '';
  const view = options.view ? ` data-view="${escapeHtml(JSON.stringify(options.view))}"` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(options))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title ?? 'Loupe')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(options.codiconUri)}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
<script type="module" src="${escapeHtml(options.scriptUri)}"${nonce}></script>
</head>
<body${view}>
<div id="app" class="app"><div class="boot muted">Loading Loupe…</div></div>
<noscript>Loupe's trace view needs JavaScript.</noscript>
</body>
</html>
`;
}
