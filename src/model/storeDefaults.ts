/**
 * How many traces are kept when nothing says otherwise (setting `loupe.store.maxTraces`, `--max-traces`).
 * Only their summaries stay in memory (a trace's spans are read from disk when viewed), so a laptop keeps thousands.
 */
export const DEFAULT_MAX_TRACES = 5000;
