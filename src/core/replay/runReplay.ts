import { replayDraftProblem } from '../../model/replayDraft';
import type { ReplayDraft, ReplayOutcome } from '../../model/replayTypes';
import type { PriceBook } from '../genai/pricing';
import { parseWireAnswer, providerErrorMessage } from './wireAnswers';
import { keyHeader, wireRequest } from './wireRequests';

export const DEFAULT_REPLAY_TIMEOUT_MS = 120_000;
/** A model's answer is small; a body past this is not one. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export interface HttpReplayOptions {
  /** Sent as `Authorization: Bearer` (OpenAI) or `x-api-key` (Anthropic); local servers may need none. */
  apiKey?: string;
  timeoutMs?: number;
  /** Cancels the call (the user pressed Cancel). */
  signal?: AbortSignal;
  pricing?: PriceBook;
}

/** What a draft is about: its URL, or why it cannot be sent. */
export function replayTarget(draft: ReplayDraft): { url: string } | { problem: string } {
  const problem = replayDraftProblem(draft);
  if (problem) return { problem };
  if (draft.api === 'vscode-lm') return { url: 'vscode.lm' };
  return { url: wireRequest(draft).url };
}

function providerOf(draft: ReplayDraft): string {
  return draft.api === 'anthropic' ? 'anthropic' : 'openai';
}

async function readCapped(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_ANSWER_BYTES)
    throw new Error(`The answer is ${declared} bytes, more than a model answer can be.`);
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new Error(`The answer is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MB, more than a model answer can be.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Why a request failed below HTTP, in words: refused, unknown host, reset… */
function networkProblem(error: unknown, url: string): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  if (code === 'ECONNREFUSED') return `Nothing answers at ${url} (connection refused). Is the server running?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `The host of ${url} is unknown (DNS lookup failed).`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `The server at ${url} closed the connection before answering.`;
  if (cause?.message === 'bad port')
    return `${url} uses a port that fetch refuses to call (one of the ports browsers block); run the server on another port.`;
  return `Could not reach ${url}: ${cause?.message ?? (error instanceof Error ? error.message : String(error))}`;
}

/**
 * Sends one edited model call to an OpenAI-compatible or Anthropic endpoint and reads the answer.
 * Never throws: every failure (refused, timeout, HTTP error, a body that is no answer) comes back
 * as `{ ok: false, message }`, and nothing is stored by this function.
 */
export async function runHttpReplay(draft: ReplayDraft, options: HttpReplayOptions = {}): Promise<ReplayOutcome> {
  const target = replayTarget(draft);
  if ('problem' in target) return { ok: false, message: target.problem, endpoint: draft.baseUrl };
  if (draft.api === 'vscode-lm')
    return { ok: false, message: "The editor's language models run only inside VS Code.", endpoint: target.url };
  const request = wireRequest(draft);
  const timeoutMs = options.timeoutMs ?? DEFAULT_REPLAY_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const started = performance.now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: { ...request.headers, ...(options.apiKey ? keyHeader(draft.api, options.apiKey) : {}) },
      body: JSON.stringify(request.body),
      signal,
      redirect: 'error',
    });
    text = await readCapped(response);
  } catch (error) {
    if (timeout.aborted)
      return {
        ok: false,
        message: `No answer from ${request.url} within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}. Nothing was kept.`,
        endpoint: request.url,
      };
    if (options.signal?.aborted) return { ok: false, message: 'Replay cancelled. Nothing was kept.', endpoint: request.url };
    return { ok: false, message: networkProblem(error, request.url), endpoint: request.url };
  }
  const latencyMs = performance.now() - started;
  if (!response.ok) {
    const detail = providerErrorMessage(text);
    const hint = response.status === 401 || response.status === 403 ? ' Check the API key.' : '';
    return {
      ok: false,
      message: `${request.url} answered HTTP ${response.status}${detail ? `: ${detail}` : ''}.${hint}`,
      endpoint: request.url,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, message: `${request.url} answered with something that is not JSON: ${text.slice(0, 200)}`, endpoint: request.url };
  }
  try {
    const answer = parseWireAnswer(draft.api, body);
    const price = options.pricing?.priceCall(answer.tokens, [answer.responseModel, draft.model], providerOf(draft), Date.now());
    return {
      ok: true,
      output: answer.output,
      tokens: answer.tokens,
      usageReported: answer.usageReported,
      latencyMs,
      costUsd: answer.usageReported ? (price?.costUsd ?? null) : null,
      ...(answer.finishReason ? { finishReason: answer.finishReason } : {}),
      ...(answer.responseModel ? { responseModel: answer.responseModel } : {}),
      endpoint: request.url,
    };
  } catch (error) {
    return { ok: false, message: `${request.url}: ${(error as Error).message}`, endpoint: request.url };
  }
}
