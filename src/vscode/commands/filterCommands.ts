import * as vscode from 'vscode';
import { filterChoices } from '../../model/traceListModel';
import { describeFilter, isFilterActive, type TraceFilter } from '../model/traceFilter';
import type { TracesTreeProvider } from '../tree/tracesTreeProvider';
import { registerSafeCommand } from './safeCommand';

type ChoiceField = 'service' | 'agent' | 'model';

/** The view-title filters: errors only, free text, and service/agent/model picked from the traces held. */
export function registerFilterCommands(tree: TracesTreeProvider, treeView: vscode.TreeView<unknown>): vscode.Disposable[] {
  const apply = (change: Partial<TraceFilter>): void => {
    const filter = { ...tree.model.currentFilter, ...change };
    for (const key of Object.keys(filter) as (keyof TraceFilter)[]) if (!filter[key]) delete filter[key];
    tree.setFilter(filter);
    treeView.description = isFilterActive(filter) ? `Filtered: ${describeFilter(filter)}` : undefined;
  };
  const pick = (field: ChoiceField, plural: keyof ReturnType<typeof filterChoices>) => async () => {
    const values = filterChoices(tree.model.allTraces())[plural];
    const current = tree.model.currentFilter[field];
    const items: (vscode.QuickPickItem & { value?: string })[] = [
      { label: `$(clear-all) Any ${field}`, value: undefined },
      ...values.map((value) => ({
        label: value,
        value,
        picked: value === current,
        description: value === current ? 'current' : undefined,
      })),
    ];
    const chosen = await vscode.window.showQuickPick(items, {
      placeHolder: values.length ? `Show traces of the ${field}…` : `No trace names a ${field} yet`,
    });
    if (chosen) apply({ [field]: chosen.value });
  };
  return [
    registerSafeCommand('loupe.filterErrorsOnly', 'filter the traces', () => apply({ errorsOnly: true })),
    registerSafeCommand('loupe.filterAllTraces', 'filter the traces', () => apply({ errorsOnly: false })),
    registerSafeCommand('loupe.filterText', 'filter the traces', async (text?: unknown) => {
      const value =
        typeof text === 'string'
          ? text
          : await vscode.window.showInputBox({
              title: 'Filter traces',
              prompt: 'Text found in a trace name, service, agent, model or id (empty shows all)',
              value: tree.model.currentFilter.text ?? '',
            });
      if (value !== undefined) apply({ text: value.trim().slice(0, 4096) });
    }),
    registerSafeCommand('loupe.filterService', 'filter the traces', pick('service', 'services')),
    registerSafeCommand('loupe.filterAgent', 'filter the traces', pick('agent', 'agents')),
    registerSafeCommand('loupe.filterModel', 'filter the traces', pick('model', 'models')),
    registerSafeCommand('loupe.clearFilter', 'clear the filter', () => {
      tree.setFilter({});
      treeView.description = undefined;
    }),
  ];
}
