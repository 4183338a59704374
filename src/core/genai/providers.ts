/** API suffixes the Vercel AI SDK appends to provider names ("openai.chat", "anthropic.messages"). */
const API_SUFFIXES = new Set([
  'chat',
  'completion',
  'completions',
  'responses',
  'embedding',
  'embeddings',
  'image',
  'transcription',
  'speech',
  'messages',
  'generative-ai',
  'rerank',
  'reranking',
]);

/** Spellings of one provider across conventions, mapped to one id. */
const ALIASES: Record<string, string> = {
  'az.ai.openai': 'azure',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  'az.ai.inference': 'azure',
  azure_openai: 'azure',
  'azure-openai': 'azure',
  'gcp.vertex_ai': 'google',
  'gcp.gemini': 'google',
  'gcp.gen_ai': 'google',
  vertex_ai: 'google',
  vertexai: 'google',
  'google.vertex': 'google',
  'google-vertex': 'google',
  gemini: 'google',
  google_genai: 'google',
  'google-genai': 'google',
  'aws.bedrock': 'aws-bedrock',
  bedrock: 'aws-bedrock',
  'amazon-bedrock': 'aws-bedrock',
  mistral_ai: 'mistral',
  mistralai: 'mistral',
  x_ai: 'xai',
  'x-ai': 'xai',
  'ibm.watsonx.ai': 'ibm-watsonx',
  together_ai: 'together',
  'together-ai': 'together',
  'fireworks-ai': 'fireworks',
  'deepseek-ai': 'deepseek',
};

/**
 * One id per provider whatever the convention wrote: "OpenAI", "openai" and "openai.chat" are all
 * "openai". Unknown names are kept, lower-cased.
 */
export function normalizeProvider(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let id = raw.trim().toLowerCase();
  if (id.length === 0 || id.length > 100) return undefined;
  const alias = ALIASES[id];
  if (alias) return alias;
  const dot = id.lastIndexOf('.');
  if (dot > 0 && API_SUFFIXES.has(id.slice(dot + 1))) {
    id = id.slice(0, dot);
    return ALIASES[id] ?? id;
  }
  return id;
}
