import * as vscode from 'vscode';
import type { EditorModelChoice } from '../../model/replayMessages';
import type { ReplayDraft, ReplayOutcome } from '../../model/replayTypes';
import type { AttributeValue, MessagePart } from '../../model/traceTypes';

const ENDPOINT = 'vscode.lm';

/** The editor's chat models (Copilot and others), for the page to offer. */
export async function editorModelChoices(): Promise<EditorModelChoice[]> {
  try {
    const models = await vscode.lm.selectChatModels();
    return models.map((m) => ({ id: m.id, label: `${m.name} (${m.vendor})` }));
  } catch {
    return [];
  }
}

function resultText(value: AttributeValue | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? '');
}

function inputObject(value: AttributeValue | undefined): object {
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed === 'object' && parsed !== null) return parsed;
    } catch {
      // Arguments that are not JSON are passed as one string field.
    }
    return { input: value };
  }
  return typeof value === 'object' && value !== null ? value : {};
}

/** The draft as the editor's chat messages. The API has no system role: the system prompt leads as a user message. */
function chatMessages(draft: ReplayDraft): vscode.LanguageModelChatMessage[] {
  const out: vscode.LanguageModelChatMessage[] = [];
  if (draft.system !== '') out.push(vscode.LanguageModelChatMessage.User(draft.system));
  let calls = 0;
  for (const message of draft.messages) {
    const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart | vscode.LanguageModelToolResultPart)[] = [];
    for (const part of message.parts) {
      if (part.type === 'text' && part.content !== '') parts.push(new vscode.LanguageModelTextPart(part.content));
      else if (part.type === 'tool_call')
        parts.push(new vscode.LanguageModelToolCallPart(part.id || `call_${calls++}`, part.name, inputObject(part.arguments)));
      else if (part.type === 'tool_result') {
        parts.push(
          new vscode.LanguageModelToolResultPart(part.id || `call_${calls++}`, [new vscode.LanguageModelTextPart(resultText(part.result))]),
        );
      }
    }
    if (parts.length === 0) continue;
    out.push(
      message.role === 'assistant'
        ? vscode.LanguageModelChatMessage.Assistant(parts as never)
        : vscode.LanguageModelChatMessage.User(parts as never),
    );
  }
  return out;
}

/** Runs the draft on one of the editor's chat models; never throws. Token counts are the model's own estimates. */
export async function runEditorModelReplay(draft: ReplayDraft, cancel: vscode.CancellationToken): Promise<ReplayOutcome> {
  const [model] = await vscode.lm.selectChatModels({ id: draft.model });
  if (!model) return { ok: false, message: `The editor has no chat model "${draft.model}" now. Pick another one.`, endpoint: ENDPOINT };
  const messages = chatMessages(draft);
  const started = performance.now();
  try {
    const response = await model.sendRequest(
      messages,
      {
        justification: 'Loupe replays a recorded model call you edited.',
        ...(draft.tools.length > 0
          ? { tools: draft.tools.map((t) => ({ name: t.name, description: t.description ?? '', inputSchema: t.parameters })) }
          : {}),
        modelOptions: {
          ...(draft.parameters.temperature !== undefined ? { temperature: draft.parameters.temperature } : {}),
          ...(draft.parameters.maxTokens !== undefined ? { max_tokens: draft.parameters.maxTokens } : {}),
        },
      },
      cancel,
    );
    const parts: MessagePart[] = [];
    let text = '';
    for await (const chunk of response.stream) {
      if (chunk instanceof vscode.LanguageModelTextPart) text += chunk.value;
      else if (chunk instanceof vscode.LanguageModelToolCallPart)
        parts.push({ type: 'tool_call', id: chunk.callId, name: chunk.name, arguments: chunk.input as AttributeValue });
    }
    const latencyMs = performance.now() - started;
    if (text !== '') parts.unshift({ type: 'text', content: text });
    let input = 0;
    for (const message of messages) input += await model.countTokens(message, cancel);
    const output = text === '' ? 0 : await model.countTokens(text, cancel);
    return {
      ok: true,
      output: [{ role: 'assistant', parts }],
      tokens: { input, output, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: input + output },
      usageReported: false,
      latencyMs,
      costUsd: null,
      responseModel: model.id,
      endpoint: `${ENDPOINT} (${model.vendor} ${model.name})`,
    };
  } catch (error) {
    if (cancel.isCancellationRequested) return { ok: false, message: 'Replay cancelled. Nothing was kept.', endpoint: ENDPOINT };
    const message =
      error instanceof vscode.LanguageModelError
        ? `${error.message} (${error.code})`
        : error instanceof Error
          ? error.message
          : String(error);
    return { ok: false, message: `The editor's model ${model.name} could not answer: ${message}`, endpoint: ENDPOINT };
  }
}
