import * as vscode from 'vscode';
import type { ConnectionState } from '../engine/engineConnection';
import { connectionLogLines, type LogLine } from '../model/connectionLog';
import type { ForwardingState, ForwardingStatus } from '../../model/continuousForwarding';
import { forwardingLogLine } from '../model/forwardingLog';

/** The same refusal is written at most once in this long, so a retrying exporter cannot flood the log. */
const REPEAT_WINDOW_MS = 10_000;

/**
 * The "Loupe" Output channel: where traces went (receiver start and stop, ports), what was
 * refused and why, store problems and forward results, so "my traces don't show up" has an answer.
 */
export class LoupeLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private previous: ConnectionState | undefined;
  private forwardingState: ForwardingState | undefined;
  private readonly lastWritten = new Map<string, { at: number; skipped: number }>();

  constructor() {
    this.channel = vscode.window.createOutputChannel('Loupe', { log: true });
  }

  write(line: LogLine): void {
    if (line.level === 'error') this.channel.error(line.text);
    else if (line.level === 'warn') this.channel.warn(line.text);
    else this.channel.info(line.text);
  }

  connectionChanged(state: ConnectionState): void {
    for (const line of connectionLogLines(state, this.previous)) this.write(line);
    this.previous = state;
  }

  /** One line per change of continuous forwarding's state (down, back, losing spans, off and why). */
  forwardingChanged(status: ForwardingStatus): void {
    this.write(forwardingLogLine(this.forwardingState, status, Date.now()));
    this.forwardingState = status.state;
  }

  refused(message: string): void {
    const now = Date.now();
    const last = this.lastWritten.get(message);
    if (last && now - last.at < REPEAT_WINDOW_MS) {
      last.skipped++;
      return;
    }
    const again = last?.skipped ? ` (and ${last.skipped} more times since the last line like it)` : '';
    this.lastWritten.set(message, { at: now, skipped: 0 });
    if (this.lastWritten.size > 200) this.lastWritten.delete(this.lastWritten.keys().next().value!);
    this.channel.warn(message + again);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
