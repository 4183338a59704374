import type { CompareResult, GroupFilter, ModelCallDiff, TraceDiff } from '../../src/model/compareTypes';
import type { WebviewView } from '../../src/model/webviewMessages';

/** What the compare and diff pages ask of the actions layer. */
export interface CompareSource {
  readonly inVsCode: boolean;
  compareGroups(a: GroupFilter, b: GroupFilter): Promise<CompareResult>;
  diffTraces(traceA: string, traceB: string): Promise<TraceDiff | undefined>;
  diffModelCalls(traceA: string, spanA: string, traceB: string, spanB: string): Promise<ModelCallDiff | undefined>;
  openTrace(traceId: string, spanId?: string): void;
  show(view: WebviewView): void;
}
