/**
 * Messages between the replay page (webview) and the extension host, declared once. The host
 * validates what the page sends with `isReplayPageMessage` before acting on it: the page shows
 * recorded prompts, which are untrusted text.
 */
import { REPLAY_APIS, type ReplayApi, type ReplayDraft, type ReplayOutcome, type ReplaySource } from './replayTypes';

/** A chat model of the editor (`vscode.lm`) the page may offer. */
export interface EditorModelChoice {
  id: string;
  label: string;
}

export type ReplayHostMessage =
  | {
      type: 'init';
      draft: ReplayDraft;
      source: ReplaySource;
      /** Whether a key is stored for each API and base URL the page asked about. */
      hasKey: boolean;
      editorModels: EditorModelChoice[];
      /** `loupe serve`: the server takes keys from its environment; the page asks for none. */
      keysFromEnvironment?: boolean;
    }
  | { type: 'keyState'; hasKey: boolean }
  | { type: 'running'; endpoint: string }
  | { type: 'result'; outcome: ReplayOutcome }
  | { type: 'kept'; traceId: string }
  | { type: 'keepFailed'; message: string };

export type ReplayPageMessage =
  | { type: 'ready' }
  /** Run this draft (the page sends it only on the user's click). */
  | { type: 'run'; draft: ReplayDraft }
  | { type: 'cancel' }
  /** Keep the last successful replay as a trace linked to the original. */
  | { type: 'keep' }
  | { type: 'setKey'; api: ReplayApi; baseUrl: string }
  | { type: 'checkKey'; api: ReplayApi; baseUrl: string }
  | { type: 'openTrace'; traceId: string };

/** Largest draft the page may send back (a recorded conversation can be long, but not unbounded). */
export const MAX_DRAFT_CHARS = 8 * 1024 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isApi(value: unknown): value is ReplayApi {
  return typeof value === 'string' && (REPLAY_APIS as readonly string[]).includes(value);
}

function isOptionalNumber(value: unknown): boolean {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value));
}

export function isReplayDraft(value: unknown): value is ReplayDraft {
  if (!isRecord(value)) return false;
  const { api, baseUrl, model, system, messages, tools, parameters } = value;
  if (!isApi(api) || typeof baseUrl !== 'string' || baseUrl.length > 2048 || typeof model !== 'string' || model.length > 512) return false;
  if (typeof system !== 'string' || !Array.isArray(messages) || !Array.isArray(tools) || !isRecord(parameters)) return false;
  const messagesOk = messages.every(
    (m) =>
      isRecord(m) &&
      typeof m.role === 'string' &&
      Array.isArray(m.parts) &&
      m.parts.every((p) => isRecord(p) && typeof p.type === 'string'),
  );
  const toolsOk = tools.every((t) => isRecord(t) && typeof t.name === 'string' && (t.parameters === undefined || isRecord(t.parameters)));
  const { temperature, maxTokens, topP, stop } = parameters;
  const paramsOk =
    isOptionalNumber(temperature) &&
    isOptionalNumber(maxTokens) &&
    isOptionalNumber(topP) &&
    (stop === undefined || (Array.isArray(stop) && stop.every((s) => typeof s === 'string')));
  return messagesOk && toolsOk && paramsOk && JSON.stringify(value).length <= MAX_DRAFT_CHARS;
}

export function isReplayPageMessage(value: unknown): value is ReplayPageMessage {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'cancel':
    case 'keep':
      return true;
    case 'run':
      return isReplayDraft(value.draft);
    case 'setKey':
    case 'checkKey':
      return isApi(value.api) && typeof value.baseUrl === 'string' && value.baseUrl.length <= 2048;
    case 'openTrace':
      return typeof value.traceId === 'string' && /^[0-9a-f]{32}$/.test(value.traceId);
    default:
      return false;
  }
}

/** The URL a draft will call, as the page shows it before Run (`vscode.lm` for the editor's models). */
export function replayEndpointUrl(api: ReplayApi, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  switch (api) {
    case 'openai-chat':
      return `${base}/chat/completions`;
    case 'openai-responses':
      return `${base}/responses`;
    case 'anthropic':
      return `${base}/v1/messages`;
    case 'vscode-lm':
      return 'vscode.lm (a chat model of this editor)';
  }
}

/** The page's gate for what arrives from the host (its own extension; anything else is ignored). */
export function isReplayHostMessageShape(value: unknown): value is ReplayHostMessage {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'init':
      return isReplayDraft(value.draft) && isRecord(value.source) && typeof value.hasKey === 'boolean' && Array.isArray(value.editorModels);
    case 'keyState':
      return typeof value.hasKey === 'boolean';
    case 'running':
      return typeof value.endpoint === 'string';
    case 'result':
      return isRecord(value.outcome) && typeof value.outcome.ok === 'boolean';
    case 'kept':
      return typeof value.traceId === 'string';
    case 'keepFailed':
      return typeof value.message === 'string';
    default:
      return false;
  }
}
