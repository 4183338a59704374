import * as vscode from 'vscode';
import { formatGroupFilter, parseGroupFilter } from '../../model/compare/groupFilter';
import type { TracePanels } from '../panels/tracePanels';
import { compareCandidates } from '../../model/compare/compareCandidates';
import { inertLabelText } from '../model/markdownText';
import { traceItemText } from '../model/treeItemText';
import type { TracesTreeProvider } from '../tree/tracesTreeProvider';
import { registerSafeCommand } from './safeCommand';
import { traceTargetOf } from './tracePick';

const FILTER_PROMPT = 'service=…, agent=…, model=…, version=…, attr=key:value, from=…, to=…, traceIds=id,id (joined with &)';

async function askFilter(label: 'A' | 'B', value: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `Compare Groups: group ${label}`,
    prompt: FILTER_PROMPT,
    value,
    placeHolder: label === 'A' ? 'version=1.0.0' : 'version=1.1.0',
    validateInput: (text) => {
      const parsed = parseGroupFilter(text.trim());
      if (typeof parsed === 'string') return parsed;
      return formatGroupFilter(parsed) ? undefined : 'Give at least one filter, e.g. version=1.0.0.';
    },
  });
}

/** "Compare with…" on a run (the other from a quick pick) and "Compare Groups…" (two filters). */
export function registerCompareCommands(tree: TracesTreeProvider, panels: TracePanels): vscode.Disposable[] {
  let lastGroups = { a: '', b: '' };
  return [
    registerSafeCommand('loupe.compareWith', 'compare the runs', async (arg?: unknown, other?: unknown) => {
      const target = await traceTargetOf(arg, tree, 'Run to compare');
      if (!target) return;
      let baseline = typeof other === 'string' ? other : undefined;
      if (!baseline) {
        const summary = tree.model.visibleTraces().find((t) => t.traceId === target.traceId);
        const candidates = summary ? compareCandidates(summary, tree.model.visibleTraces()) : [];
        if (candidates.length === 0) {
          void vscode.window.showInformationMessage('Loupe has no other run to compare with.');
          return;
        }
        const now = Date.now();
        const picked = await vscode.window.showQuickPick(
          candidates.slice(0, 500).map((s, i) => {
            const text = traceItemText(s, now);
            return {
              label: inertLabelText(text.label),
              description: inertLabelText(i === 0 ? `previous run · ${text.description}` : text.description),
              traceId: s.traceId,
            };
          }),
          { placeHolder: 'Compare with which run? (it becomes run A, the one you chose run B)', matchOnDescription: true },
        );
        baseline = picked?.traceId;
      }
      if (baseline) panels.open({ page: 'diff', traceA: baseline, traceB: target.traceId });
    }),
    registerSafeCommand('loupe.compareGroups', 'compare the groups', async (a?: unknown, b?: unknown) => {
      let filterA = typeof a === 'string' ? a : await askFilter('A', lastGroups.a);
      if (filterA === undefined) return;
      let filterB = typeof b === 'string' ? b : await askFilter('B', lastGroups.b);
      if (filterB === undefined) return;
      filterA = filterA.trim();
      filterB = filterB.trim();
      lastGroups = { a: filterA, b: filterB };
      panels.open({ page: 'compare', a: filterA, b: filterB });
    }),
  ];
}
