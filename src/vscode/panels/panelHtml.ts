import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { WebviewView } from '../../model/webviewMessages';
import { webviewShellHtml } from '../../model/htmlShell';

/** The only folder a trace panel may load from: the bundled UI. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  // Hidden panels are rebuilt from their saved UI state when shown again, instead of holding memory.
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(extensionUri)], retainContextWhenHidden: false };
}

/** The trace view's page: a fresh nonce per load, resources through asWebviewUri, nothing remote. */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, view: WebviewView, title: string): string {
  const root = webviewRoot(extensionUri);
  const uri = (file: string): string => webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString();
  return webviewShellHtml({
    scriptUri: uri('main.js'),
    styleUri: uri('main.css'),
    codiconUri: uri('codicon.css'),
    cspSource: webview.cspSource,
    nonce: randomBytes(18).toString('base64'),
    title,
    view,
  });
}
