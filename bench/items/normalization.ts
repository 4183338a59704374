import { benchGenAi } from '../genaiBench';
import { fmt, type BenchSection } from '../support/report';

/** Item 7: per-span cost of GenAI understanding on a 1,000-span LLM trace of real captured spans. */
export async function benchNormalization(quick: boolean): Promise<BenchSection> {
  const result = benchGenAi(1000, quick ? 5 : 15);
  return {
    title: '7. Normalization (1,000-span LLM trace of real captured spans, CPU time)',
    rows: [
      {
        measure: 'describeSpan per span (ingest)',
        value: `${fmt(result.describeUsPerSpan, 2)} µs`,
        baseline: `cold price cache ${fmt(result.describeColdUsPerSpan, 2)} µs`,
        status: 'info',
      },
      {
        measure: 'trace summary / waterfall rows',
        value: `${fmt(result.summarizeMs, 2)} ms / ${fmt(result.waterfallMs, 2)} ms`,
        status: 'info',
      },
      { measure: 'full trace detail (every message)', value: `${fmt(result.detailMs, 1)} ms`, status: 'info' },
      {
        measure: 'facts held per span',
        value: `${fmt(result.factsBytesPerSpan, 0)} B`,
        baseline: `stored JSON ${fmt(result.storedBytesPerSpan, 0)} B`,
        status: 'info',
      },
    ],
    figures: { ...result },
  };
}
