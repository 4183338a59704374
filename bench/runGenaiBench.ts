import { benchGenAi } from './genaiBench';

/** Prints GenAI normalization figures (CPU time): `node --expose-gc --import tsx bench/runGenaiBench.ts [spans]`. */
const spans = Number(process.argv[2] ?? 1000);
const result = benchGenAi(Number.isFinite(spans) && spans > 0 ? spans : 1000);
console.log(`GenAI normalization, ${result.spans}-span LLM trace (real captured spans):`);
console.log(
  `  describeSpan (ingest):  ${result.describeUsPerSpan.toFixed(2)} µs/span (${result.describeColdUsPerSpan.toFixed(2)} µs/span with a cold price cache)`,
);
console.log(`  summarizeTrace:         ${result.summarizeMs.toFixed(2)} ms`);
console.log(`  waterfallRows:          ${result.waterfallMs.toFixed(2)} ms`);
console.log(`  buildTraceDetail:       ${result.detailMs.toFixed(2)} ms (messages of every span)`);
console.log(
  `  facts held in memory:   ${result.factsBytesPerSpan.toFixed(0)} B/span (stored JSON ${result.storedBytesPerSpan.toFixed(0)} B/span)`,
);
