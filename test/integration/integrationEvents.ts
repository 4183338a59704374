/** What the in-host reporter writes to the results file, one JSON object per line. */
export type IntegrationEvent =
  | { event: 'start'; total: number }
  | { event: 'pass'; fullTitle: string; durationMs: number }
  | { event: 'pending'; fullTitle: string }
  | { event: 'fail'; fullTitle: string; message: string; stack: string }
  | { event: 'end'; passes: number; failures: number; pending: number; duration?: number };
