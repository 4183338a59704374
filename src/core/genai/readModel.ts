import type { AttributeMap } from './attributeMap';
import { INGEST_JSON_LIMIT, isRecord, parseJsonText } from './jsonText';
import { normalizeProvider } from './providers';

const REQUEST_MODEL_KEYS = ['gen_ai.request.model', 'ai.model.id', 'llm.request.model'];
const RESPONSE_MODEL_KEYS = ['gen_ai.response.model', 'ai.response.model', 'llm.response.model', 'llm.model_name'];
const OTHER_MODEL_KEYS = ['embedding.model_name', 'langfuse.observation.model.name', 'reranker.model_name', 'gen_ai.model'];
const PROVIDER_KEYS = ['gen_ai.provider.name', 'llm.provider', 'ai.model.provider', 'gen_ai.system', 'llm.system'];

export interface ModelFacts {
  model?: string;
  requestModel?: string;
  responseModel?: string;
  provider?: string;
}

function invocationModel(attrs: AttributeMap): string | undefined {
  const text = attrs.string('llm.invocation_parameters');
  if (!text) return undefined;
  const params = parseJsonText(text, INGEST_JSON_LIMIT);
  return isRecord(params) && typeof params.model === 'string' && params.model ? params.model : undefined;
}

/** Model and provider; the response model (often dated) is shown, the requested one kept beside it. */
export function readModel(attrs: AttributeMap): ModelFacts {
  const requestModel = attrs.firstString(REQUEST_MODEL_KEYS) ?? invocationModel(attrs);
  const responseModel = attrs.firstString(RESPONSE_MODEL_KEYS);
  const model = responseModel ?? requestModel ?? attrs.firstString(OTHER_MODEL_KEYS);
  return { model, requestModel, responseModel, provider: normalizeProvider(attrs.firstString(PROVIDER_KEYS)) };
}
