import * as vscode from 'vscode';
import type { TraceSummary } from '../../model/traceTypes';
import { inertLabelText } from '../model/markdownText';
import { runNumbers, traceItemText } from '../model/treeItemText';
import type { TracesTreeProvider } from '../tree/tracesTreeProvider';

/** What a trace command was invoked on: a tree row, or nothing (the palette). */
export interface TraceTarget {
  traceId: string;
  spanId?: string;
}

function isTarget(value: unknown): value is TraceTarget {
  return typeof value === 'object' && value !== null && typeof (value as { traceId?: unknown }).traceId === 'string';
}

/** The tree row's trace, or the user's choice from the newest traces. */
export async function traceTargetOf(arg: unknown, tree: TracesTreeProvider, placeHolder: string): Promise<TraceTarget | undefined> {
  if (isTarget(arg)) return { traceId: arg.traceId, spanId: (arg as { spanId?: string }).spanId };
  const traces = tree.model.visibleTraces();
  if (traces.length === 0) {
    void vscode.window.showInformationMessage('Loupe has no traces yet.');
    return undefined;
  }
  const now = Date.now();
  const numbers = runNumbers(traces);
  const picked = await vscode.window.showQuickPick(
    traces.slice(0, 500).map((summary: TraceSummary) => {
      const text = traceItemText(summary, now, numbers.get(summary.traceId));
      return { label: inertLabelText(text.label), description: inertLabelText(text.description), traceId: summary.traceId };
    }),
    { placeHolder, matchOnDescription: true },
  );
  return picked && { traceId: picked.traceId };
}
