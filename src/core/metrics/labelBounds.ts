import type { HistoryCell } from '../history/historyDocument';

/** Label values kept apart per label; the rest are reported as `(other)`. */
export const MAX_SERVICES = 20;
export const MAX_AGENTS = 30;
export const MAX_MODELS = 30;
/** A label value is cut to this many characters. */
export const MAX_LABEL_CHARS = 80;
export const OTHER_LABEL = '(other)';
export const NONE_LABEL = '(none)';

export interface CellLabels {
  service: string;
  agent: string;
  model: string;
}

/**
 * Bounds the label sets of the metrics built from the history, so a sender inventing a new agent
 * name per run cannot make Prometheus store a series per run: per label, the values that cost most
 * (then ran most) over the whole history keep their own series, at most 20 services, 30 agents and
 * 30 models; every other value is `(other)`. Kinds and token types are fixed lists already.
 */
export class LabelBounds {
  private readonly kept: { service: Set<string>; agent: Set<string>; model: Set<string> };

  constructor(cells: readonly HistoryCell[]) {
    this.kept = {
      service: topValues(cells, (c) => c.service, MAX_SERVICES),
      agent: topValues(cells, (c) => c.agent, MAX_AGENTS),
      model: topValues(cells, (c) => c.model, MAX_MODELS),
    };
  }

  labelsOf(cell: CellLabels): CellLabels {
    return { service: this.bound('service', cell.service), agent: this.bound('agent', cell.agent), model: this.bound('model', cell.model) };
  }

  private bound(label: keyof CellLabels, value: string): string {
    if (value === '') return NONE_LABEL;
    return this.kept[label].has(value) ? boundedText(value) : OTHER_LABEL;
  }
}

/** Cuts a label value; a live one (service, kind) comes through here too. */
export function boundedText(value: string): string {
  return value.length > MAX_LABEL_CHARS ? value.slice(0, MAX_LABEL_CHARS - 1) + '…' : value;
}

function topValues(cells: readonly HistoryCell[], valueOf: (cell: HistoryCell) => string, limit: number): Set<string> {
  const weight = new Map<string, { cost: number; runs: number; spans: number }>();
  for (const cell of cells) {
    const value = valueOf(cell);
    if (value === '') continue;
    const w = weight.get(value) ?? { cost: 0, runs: 0, spans: 0 };
    w.cost += cell.costUsd;
    w.runs += cell.runs;
    w.spans += cell.spans;
    weight.set(value, w);
  }
  const ranked = [...weight].sort(([a, x], [b, y]) => y.cost - x.cost || y.runs - x.runs || y.spans - x.spans || a.localeCompare(b));
  return new Set(ranked.slice(0, limit).map(([value]) => value));
}
