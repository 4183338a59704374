import type { ReplayPageMessage } from '../../src/model/replayMessages';
import { ReplayPage } from './replayPage';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscode = acquireVsCodeApi();
new ReplayPage(document.getElementById('app')!, { postMessage: (message: ReplayPageMessage) => vscode.postMessage(message) });
