import type { AttributeMap } from './attributeMap';
import { INGEST_JSON_LIMIT, isRecord, parseJsonText } from './jsonText';

function validCost(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function langfuseCost(text: string): number | undefined {
  const details = parseJsonText(text, INGEST_JSON_LIMIT);
  if (!isRecord(details)) return undefined;
  const total = details.total;
  if (typeof total === 'number') return validCost(total);
  let sum: number | undefined;
  for (const v of Object.values(details)) {
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) sum = (sum ?? 0) + v;
  }
  return sum;
}

/**
 * A cost in USD that the instrumentation already put on the span (OpenInference `llm.cost.*`,
 * Langfuse `cost_details`, Logfire `operation.cost`, OpenLIT `gen_ai.usage.cost`, an agent's own cost
 * such as Copilot's `github.copilot.cost`); it wins over computing.
 */
export function costOnSpan(attrs: AttributeMap): number | undefined {
  const total = validCost(attrs.number('llm.cost.total'));
  if (total !== undefined) return total;
  const prompt = validCost(attrs.number('llm.cost.prompt'));
  const completion = validCost(attrs.number('llm.cost.completion'));
  if (prompt !== undefined || completion !== undefined) return (prompt ?? 0) + (completion ?? 0);
  const langfuse = attrs.string('langfuse.observation.cost_details');
  if (langfuse) {
    const cost = langfuseCost(langfuse);
    if (cost !== undefined) return cost;
  }
  return validCost(attrs.firstNumber(['operation.cost', 'gen_ai.usage.cost', 'github.copilot.cost']));
}
