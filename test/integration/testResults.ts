import { existsSync, readFileSync } from 'node:fs';
import type { IntegrationEvent } from './integrationEvents';

export interface SuiteOutcome {
  started: boolean;
  ended: boolean;
  passes: number;
  failures: number;
  pending: number;
  lines: string[];
}

/** Reads the reporter's JSON lines; a torn last line (host killed mid-write) is ignored. */
export function readIntegrationEvents(resultsPath: string): IntegrationEvent[] {
  if (!existsSync(resultsPath)) return [];
  const events: IntegrationEvent[] = [];
  for (const line of readFileSync(resultsPath, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as IntegrationEvent);
    } catch {
      // Only the last line can be incomplete; skip it.
    }
  }
  return events;
}

/** Turns reporter events into mocha-style lines and counts. */
export function summarizeSuite(events: IntegrationEvent[]): SuiteOutcome {
  const outcome: SuiteOutcome = { started: false, ended: false, passes: 0, failures: 0, pending: 0, lines: [] };
  const failureDetails: string[] = [];
  for (const event of events) {
    switch (event.event) {
      case 'start':
        outcome.started = true;
        break;
      case 'pass':
        outcome.passes++;
        outcome.lines.push(`  ✔ ${event.fullTitle} (${event.durationMs}ms)`);
        break;
      case 'pending':
        outcome.pending++;
        outcome.lines.push(`  - ${event.fullTitle}`);
        break;
      case 'fail':
        outcome.failures++;
        outcome.lines.push(`  ${outcome.failures}) ${event.fullTitle}`);
        failureDetails.push(`  ${outcome.failures}) ${event.fullTitle}\n     ${event.stack || event.message}`);
        break;
      case 'end':
        outcome.ended = true;
        break;
    }
  }
  outcome.lines.push('', `  ${outcome.passes} passing`);
  if (outcome.pending > 0) outcome.lines.push(`  ${outcome.pending} pending`);
  if (outcome.failures > 0) outcome.lines.push(`  ${outcome.failures} failing`, '', ...failureDetails);
  if (outcome.started && !outcome.ended) outcome.lines.push('', '  (the suite did not finish)');
  return outcome;
}
