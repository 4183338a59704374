/** How many traces are kept when nothing says otherwise (setting `loupe.store.maxTraces`, `--max-traces`). */
export const DEFAULT_MAX_TRACES = 200;
