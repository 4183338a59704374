import type { z } from 'zod';
import type { LoupeApi } from '../../model/api';

/** One MCP tool: its JSON-schema input (as a zod shape the SDK turns into JSON Schema) and its answer. */
export interface ToolDefinition<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  inputSchema: Shape;
  run(api: LoupeApi, args: z.infer<z.ZodObject<Shape>>): Promise<unknown>;
}

/** A request the tool cannot answer (unknown trace, bad id); shown to the model as a tool error. */
export class ToolAnswerError extends Error {}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

export function traceIdArg(raw: string): string {
  const id = raw.trim().toLowerCase();
  if (!TRACE_ID.test(id)) throw new ToolAnswerError(`"${raw.slice(0, 64)}" is not a trace id (32 hexadecimal characters).`);
  return id;
}

export function spanIdArg(raw: string): string {
  const id = raw.trim().toLowerCase();
  if (!SPAN_ID.test(id)) throw new ToolAnswerError(`"${raw.slice(0, 64)}" is not a span id (16 hexadecimal characters).`);
  return id;
}

export function unknownTrace(traceId: string): ToolAnswerError {
  return new ToolAnswerError(`No trace ${traceId}: it was never received, or was evicted or deleted. list_traces shows what is stored.`);
}

/** Helps TypeScript keep each tool's argument type tied to its own schema. */
export function defineTool<Shape extends z.ZodRawShape>(tool: ToolDefinition<Shape>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}
