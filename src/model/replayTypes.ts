import type { Message, TokenCounts } from './traceTypes';

/** The wire APIs a recorded model call can be replayed against. */
export type ReplayApi = 'openai-chat' | 'openai-responses' | 'anthropic' | 'vscode-lm';

export const REPLAY_APIS: readonly ReplayApi[] = ['openai-chat', 'openai-responses', 'anthropic', 'vscode-lm'];

export const REPLAY_API_LABELS: Record<ReplayApi, string> = {
  'openai-chat': 'OpenAI-compatible Chat Completions',
  'openai-responses': 'OpenAI Responses',
  anthropic: 'Anthropic Messages',
  'vscode-lm': "The editor's language models",
};

export interface ReplayTool {
  name: string;
  description?: string;
  /** JSON Schema of the tool's arguments. */
  parameters?: Record<string, unknown>;
}

export interface ReplayParameters {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string[];
}

/** One model call as the replay page shows and edits it. */
export interface ReplayDraft {
  api: ReplayApi;
  /** `https://api.openai.com/v1` style for OpenAI, `https://api.anthropic.com` for Anthropic; unused for the editor's models. */
  baseUrl: string;
  model: string;
  system: string;
  /** The conversation without the system prompt, in Loupe's message shape. */
  messages: Message[];
  tools: ReplayTool[];
  parameters: ReplayParameters;
}

/** Where the draft came from, kept to link the replay to it. */
export interface ReplaySource {
  traceId: string;
  spanId: string;
  spanName: string;
  /** What the recorded call answered, to compare with. */
  recordedOutput: Message[];
  recordedTokens: TokenCounts;
  recordedDurationMs: number;
  recordedCostUsd: number | null;
}

export type ReplayOutcome =
  | {
      ok: true;
      output: Message[];
      tokens: TokenCounts;
      /** False when the server reported no usage (the counts are then estimates or zeros). */
      usageReported: boolean;
      latencyMs: number;
      costUsd: number | null;
      finishReason?: string;
      responseModel?: string;
      /** The exact URL called. */
      endpoint: string;
    }
  | { ok: false; message: string; endpoint: string };
