import './dom/vscodeElements';
import { isWebviewView, type WebviewView } from '../src/model/webviewMessages';
import { Actions } from './app/actions';
import { App } from './app/app';
import { HttpHost } from './host/httpHost';
import { VsCodeHost, type VsCodeApi } from './host/vscodeHost';
import { followKindColors } from './theme/kindColorTheme';

declare global {
  // Present only inside a VS Code webview.
  var acquireVsCodeApi: (() => VsCodeApi) | undefined;
}

function viewFromPage(): WebviewView {
  try {
    const parsed: unknown = JSON.parse(document.body.dataset.view ?? 'null');
    if (isWebviewView(parsed)) return parsed;
  } catch {
    // Fall through to the list.
  }
  return { page: 'list' };
}

function start(): void {
  const root = document.getElementById('app');
  if (!root) return;
  followKindColors();
  const vscodeApi = typeof globalThis.acquireVsCodeApi === 'function' ? globalThis.acquireVsCodeApi() : undefined;
  const host = vscodeApi ? new VsCodeHost(vscodeApi, viewFromPage()) : new HttpHost();
  const actions = new Actions(host);
  const app = new App(root, actions);
  // The page listens from here on; tell VS Code before asking it for anything.
  if (host instanceof VsCodeHost) host.ready();
  app.show(actions.initialView());
}

start();
