import { formatCost, formatDuration, formatTokens } from '../../src/model/formatValues';
import { replayEndpointUrl, type ReplayHostMessage, type ReplayPageMessage } from '../../src/model/replayMessages';
import type { ReplayOutcome, ReplaySource } from '../../src/model/replayTypes';
import { answerText, diffLines } from '../../src/model/textDiff';
import type { TokenCounts } from '../../src/model/traceTypes';
import { h } from '../dom/element';
import { DraftForm } from './draftForm';

/** How the page talks to whoever runs the replays: the extension host, or `loupe serve` over HTTP. */
export interface ReplayTransport {
  postMessage(message: ReplayPageMessage): void;
  onMessage(listener: (message: ReplayHostMessage) => void): void;
}

function usageLine(tokens: TokenCounts, latencyMs: number, costUsd: number | null, estimated = false): string {
  return `${formatTokens(tokens.input)} in · ${formatTokens(tokens.output)} out${estimated ? ' (not reported)' : ''} · ${formatDuration(latencyMs)} · ${formatCost(costUsd)}`;
}

/**
 * The replay page: the recorded call as an editable form, the endpoint it will call, and Run.
 * Nothing is sent before the user clicks Run; the result shows beside the recording with a diff.
 */
export class ReplayPage {
  private form: DraftForm | undefined;
  private source: ReplaySource | undefined;
  private readonly target = h('div', { className: 'target' });
  private readonly keyState = h('span', { className: 'muted' });
  private readonly setKey = h('button', { className: 'loupe-button secondary', text: 'Set API Key…', attrs: { type: 'button' } });
  private readonly run = h('button', { className: 'loupe-button', text: 'Run', attrs: { type: 'button' } });
  private readonly cancel = h('button', { className: 'loupe-button secondary', text: 'Cancel', attrs: { type: 'button', hidden: true } });
  private readonly problem = h('div', { className: 'problem', attrs: { role: 'alert', hidden: true } });
  private readonly results = h('div', { className: 'results' });
  /** `loupe serve`: keys come from the server's environment, not from this page. */
  private keysFromEnvironment = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: ReplayTransport,
  ) {
    this.run.addEventListener('click', () => this.onRun());
    this.cancel.addEventListener('click', () => this.api.postMessage({ type: 'cancel' }));
    this.setKey.addEventListener('click', () => {
      if (this.form) this.api.postMessage({ type: 'setKey', api: this.form.apiValue, baseUrl: this.form.baseUrlValue });
    });
    this.api.onMessage((message) => this.onHostMessage(message));
    this.api.postMessage({ type: 'ready' });
  }

  private onHostMessage(message: ReplayHostMessage): void {
    switch (message.type) {
      case 'init':
        this.source = message.source;
        this.keysFromEnvironment = message.keysFromEnvironment === true;
        this.form = new DraftForm(message.draft, message.editorModels, () => this.onFormChange());
        this.showKeyState(message.hasKey);
        this.root.replaceChildren(
          h('h1', { text: `Replay of “${message.source.spanName}”` }),
          h('p', {
            className: 'muted',
            text: `Recorded: ${usageLine(message.source.recordedTokens, message.source.recordedDurationMs, message.source.recordedCostUsd)}. Edit anything below; nothing is sent until you press Run.`,
          }),
          this.form.element,
          h('div', { className: 'run-bar' }, this.run, this.cancel, this.setKey, this.keyState),
          this.target,
          this.problem,
          this.results,
        );
        this.onFormChange();
        return;
      case 'keyState':
        return this.showKeyState(message.hasKey);
      case 'running':
        this.setRunning(true);
        this.showProblem(undefined);
        this.results.replaceChildren(h('p', { className: 'muted', text: `Calling ${message.endpoint}…` }));
        return;
      case 'result':
        this.setRunning(false);
        return this.showOutcome(message.outcome);
      case 'kept': {
        const open = h('button', { className: 'link-button', text: 'Open the kept trace', attrs: { type: 'button' } });
        open.addEventListener('click', () => this.api.postMessage({ type: 'openTrace', traceId: message.traceId }));
        this.results
          .querySelector('.keep-bar')
          ?.replaceChildren(h('span', { text: `Kept as trace ${message.traceId}, linked to the recorded call. ` }), open);
        return;
      }
      case 'keepFailed':
        return this.showProblem(message.message);
    }
  }

  private showKeyState(hasKey: boolean): void {
    const api = this.form?.apiValue;
    const needsKey = api !== undefined && api !== 'vscode-lm';
    this.setKey.hidden = !needsKey || this.keysFromEnvironment;
    if (!needsKey) this.keyState.textContent = '';
    else if (this.keysFromEnvironment) {
      this.keyState.textContent =
        "Loupe sends OPENAI_API_KEY / ANTHROPIC_API_KEY from its environment to the provider's own server (or the one OPENAI_BASE_URL / ANTHROPIC_BASE_URL names), to no other.";
    } else {
      this.keyState.textContent = hasKey
        ? 'A key is stored for this endpoint.'
        : 'No key stored for this endpoint (local servers may need none).';
    }
  }

  private onFormChange(): void {
    if (!this.form) return;
    this.target.textContent = `Run will call: ${replayEndpointUrl(this.form.apiValue, this.form.baseUrlValue)}`;
    this.api.postMessage({ type: 'checkKey', api: this.form.apiValue, baseUrl: this.form.baseUrlValue });
  }

  private onRun(): void {
    if (!this.form) return;
    try {
      const draft = this.form.read();
      this.showProblem(undefined);
      this.api.postMessage({ type: 'run', draft });
    } catch (error) {
      this.showProblem((error as Error).message);
    }
  }

  private setRunning(running: boolean): void {
    this.run.disabled = running;
    this.cancel.hidden = !running;
  }

  private showProblem(message: string | undefined): void {
    this.problem.hidden = message === undefined;
    this.problem.textContent = message ?? '';
  }

  private showOutcome(outcome: ReplayOutcome): void {
    if (!outcome.ok) {
      this.results.replaceChildren();
      return this.showProblem(outcome.message);
    }
    const source = this.source!;
    const recorded = answerText(source.recordedOutput);
    const replayed = answerText(outcome.output);
    const keep = h('button', { className: 'loupe-button', text: 'Keep as Trace', attrs: { type: 'button' } });
    keep.addEventListener('click', () => {
      keep.disabled = true;
      this.api.postMessage({ type: 'keep' });
    });
    const diff = h(
      'pre',
      { className: 'diff' },
      ...diffLines(recorded, replayed).map((line) =>
        h('div', { className: `diff-${line.op}`, text: `${line.op === 'added' ? '+ ' : line.op === 'removed' ? '- ' : '  '}${line.text}` }),
      ),
    );
    this.results.replaceChildren(
      h(
        'div',
        { className: 'side-by-side' },
        h(
          'section',
          null,
          h('h2', { text: 'Recorded' }),
          h('p', { className: 'muted', text: usageLine(source.recordedTokens, source.recordedDurationMs, source.recordedCostUsd) }),
          h('pre', { className: 'answer', text: recorded || '(no recorded output)' }),
        ),
        h(
          'section',
          null,
          h('h2', { text: 'Replay' }),
          h('p', {
            className: 'muted',
            text: `${usageLine(outcome.tokens, outcome.latencyMs, outcome.costUsd, !outcome.usageReported)}${outcome.responseModel ? ` · ${outcome.responseModel}` : ''} · ${outcome.endpoint}`,
          }),
          h('pre', { className: 'answer', text: replayed || '(empty answer)' }),
        ),
      ),
      h('h2', { text: 'Difference (recorded → replay)' }),
      diff,
      h('div', { className: 'keep-bar' }, keep),
    );
  }
}
