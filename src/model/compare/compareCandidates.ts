import type { TraceSummary } from '../traceTypes';

function sameAgent(x: TraceSummary, y: TraceSummary): boolean {
  if (x.agents.length || y.agents.length) return x.agents.some((a) => y.agents.includes(a));
  // Without agent names, runs of one agent share their root span's name and service.
  return x.name === y.name && x.service === y.service;
}

/**
 * The runs to offer when comparing `target` with another: the previous run of the same agent
 * first, then its other runs (latest first), then every other run, newest first.
 */
export function compareCandidates(target: TraceSummary, traces: readonly TraceSummary[]): TraceSummary[] {
  const others = traces.filter((t) => t.traceId !== target.traceId);
  const newestFirst = (x: TraceSummary, y: TraceSummary) => y.startTime - x.startTime;
  const agentRuns = others.filter((t) => sameAgent(t, target));
  const earlier = agentRuns.filter((t) => t.startTime <= target.startTime).sort(newestFirst);
  const later = agentRuns.filter((t) => t.startTime > target.startTime).sort(newestFirst);
  const rest = others.filter((t) => !sameAgent(t, target)).sort(newestFirst);
  return [...earlier, ...later, ...rest];
}
