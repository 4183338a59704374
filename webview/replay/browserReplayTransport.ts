import { HttpQueries } from '../../src/model/apiClient';
import { parseSpanId, parseTraceId } from '../../src/model/ids';
import { replayDraftFromSpan } from '../../src/model/replayDraft';
import type { ReplayHostMessage, ReplayPageMessage } from '../../src/model/replayMessages';
import { replayTraceRequest } from '../../src/model/replayTrace';
import type { ReplayDraft, ReplayOutcome, ReplaySource } from '../../src/model/replayTypes';
import { hashForView } from '../host/viewRoute';

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The replay page served by `loupe serve` (`/replay.html?trace=…&span=…`): the span and the run
 * go through the REST API, and the server sends the call with keys from its own environment.
 */
export class BrowserReplayTransport {
  private listener: ((message: ReplayHostMessage) => void) | undefined;
  private readonly api = new HttpQueries('', { fetch: (url, init) => fetch(url, init as RequestInit) });
  private source: ReplaySource | undefined;
  private last: { draft: ReplayDraft; outcome: Extract<ReplayOutcome, { ok: true }>; endedAt: number; keptTraceId?: string } | undefined;

  constructor(private readonly params: URLSearchParams) {}

  onMessage(listener: (message: ReplayHostMessage) => void): void {
    this.listener = listener;
  }

  postMessage(message: ReplayPageMessage): void {
    void this.handle(message).catch((error: unknown) =>
      this.emit({ type: 'result', outcome: { ok: false, message: error instanceof Error ? error.message : String(error), endpoint: '' } }),
    );
  }

  private emit(message: ReplayHostMessage): void {
    this.listener?.(message);
  }

  private async handle(message: ReplayPageMessage): Promise<void> {
    switch (message.type) {
      case 'ready': {
        const traceId = parseTraceId(this.params.get('trace') ?? '');
        const spanId = parseSpanId(this.params.get('span') ?? '');
        if (!traceId || !spanId) return this.fail('This page needs ?trace=<trace id>&span=<span id> of a model call.');
        const span = await this.api.span(traceId, spanId);
        const made = span && replayDraftFromSpan(span);
        if (!made) return this.fail(span ? `"${span.name}" is not a single model call.` : 'That span is no longer stored.');
        this.source = made.source;
        document.title = `Replay: ${made.source.spanName}`;
        return this.emit({
          type: 'init',
          draft: made.draft,
          source: made.source,
          hasKey: false,
          editorModels: [],
          keysFromEnvironment: true,
        });
      }
      case 'checkKey':
      case 'setKey':
        return this.emit({ type: 'keyState', hasKey: false });
      case 'run': {
        this.emit({ type: 'running', endpoint: message.draft.baseUrl });
        const outcome = await this.api.replay(message.draft);
        if (outcome.ok) this.last = { draft: message.draft, outcome, endedAt: Date.now() };
        return this.emit({ type: 'result', outcome });
      }
      case 'cancel':
        return;
      case 'keep': {
        const last = this.last;
        if (!last || !this.source)
          return this.emit({ type: 'keepFailed', message: 'Run the replay first; only a successful answer can be kept.' });
        if (!last.keptTraceId) {
          const kept = replayTraceRequest(last.draft, this.source, last.outcome, last.endedAt, {
            traceId: randomHex(16),
            spanId: randomHex(8),
          });
          await this.api.importOtlp(JSON.stringify(kept.request));
          last.keptTraceId = kept.traceId;
        }
        return this.emit({ type: 'kept', traceId: last.keptTraceId });
      }
      case 'openTrace':
        location.assign(`./${hashForView({ page: 'trace', traceId: message.traceId })}`);
        return;
    }
  }

  private fail(text: string): void {
    document
      .getElementById('app')
      ?.replaceChildren(Object.assign(document.createElement('p'), { className: 'problem', textContent: text }));
  }
}
