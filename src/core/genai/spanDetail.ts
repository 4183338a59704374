import type { SpanContext, SpanDetail } from './spanFacts';
import type { StoredLog, StoredSpan } from '../store/storedTrace';

/** Reads messages and tool payloads of one span; done on demand, not at ingest. */
export function spanDetail(_span: StoredSpan, _logs: readonly StoredLog[], _context: SpanContext): SpanDetail {
  return { messages: { input: [], output: [] } };
}
