// The token counts a model server's usage object means, in Loupe's terms: `input` is every input
// token (cache reads and writes included), `output` every output token (reasoning included).
'use strict';
function loupeTokens(usage) {
  const u = usage || {};
  const n = (v) => (typeof v === 'number' ? v : 0);
  if ('promptTokenCount' in u) {
    // Gemini: cachedContentTokenCount is part of promptTokenCount; thoughts are counted apart from candidates.
    const input = n(u.promptTokenCount), reasoning = n(u.thoughtsTokenCount), output = n(u.candidatesTokenCount) + reasoning;
    return { input, output, cacheRead: n(u.cachedContentTokenCount), cacheWrite: 0, reasoning, total: input + output };
  }
  if ('prompt_tokens' in u) {
    const input = n(u.prompt_tokens), output = n(u.completion_tokens);
    return { input, output, cacheRead: n((u.prompt_tokens_details || {}).cached_tokens), cacheWrite: 0,
      reasoning: n((u.completion_tokens_details || {}).reasoning_tokens), total: input + output };
  }
  if ('cache_read_input_tokens' in u || 'cache_creation_input_tokens' in u) {
    // Anthropic: input_tokens excludes the cache reads and writes.
    const cacheRead = n(u.cache_read_input_tokens), cacheWrite = n(u.cache_creation_input_tokens);
    const input = n(u.input_tokens) + cacheRead + cacheWrite, output = n(u.output_tokens);
    return { input, output, cacheRead, cacheWrite, reasoning: 0, total: input + output };
  }
  const input = n(u.input_tokens), output = n(u.output_tokens);
  return { input, output, cacheRead: n((u.input_tokens_details || {}).cached_tokens), cacheWrite: 0,
    reasoning: n((u.output_tokens_details || {}).reasoning_tokens), total: input + output };
}
function sumTokens(usages) {
  const t = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 0 };
  for (const u of usages) { const x = loupeTokens(u); for (const k of Object.keys(t)) t[k] += x[k]; }
  return t;
}
module.exports = { loupeTokens, sumTokens };
if (require.main === module) {
  // node loupeTokens.js MANIFEST... : adds expected.tokens to existing manifests.
  const fs = require('fs');
  for (const f of process.argv.slice(2)) {
    const m = JSON.parse(fs.readFileSync(f, 'utf8'));
    m.expected.tokens = sumTokens(m.expected.usagePerCall.map((c) => c.usage));
    fs.writeFileSync(f, JSON.stringify(m, null, 2) + '\n');
  }
}
