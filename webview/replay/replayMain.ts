import { isReplayHostMessageShape, type ReplayHostMessage, type ReplayPageMessage } from '../../src/model/replayMessages';
import { BrowserReplayTransport } from './browserReplayTransport';
import { ReplayPage, type ReplayTransport } from './replayPage';

declare const acquireVsCodeApi: undefined | (() => { postMessage(message: unknown): void });

/** In a VS Code webview the extension host runs replays; in a browser, `loupe serve` does. */
function transport(): ReplayTransport {
  if (typeof acquireVsCodeApi === 'function') {
    const vscode = acquireVsCodeApi();
    return {
      postMessage: (message: ReplayPageMessage) => vscode.postMessage(message),
      onMessage: (listener: (message: ReplayHostMessage) => void) =>
        window.addEventListener('message', (event: MessageEvent) => {
          if (isReplayHostMessageShape(event.data)) listener(event.data);
        }),
    };
  }
  return new BrowserReplayTransport(new URLSearchParams(location.search));
}

new ReplayPage(document.getElementById('app')!, transport());
