import type { EditorModelChoice } from '../../src/model/replayMessages';
import { REPLAY_API_LABELS, REPLAY_APIS, type ReplayApi, type ReplayDraft, type ReplayTool } from '../../src/model/replayTypes';
import type { AttributeValue, Message, MessagePart } from '../../src/model/traceTypes';
import { h } from '../dom/element';

const ROLES = ['user', 'assistant', 'tool'];

/** A form field that turns back into part of the draft, or says why it cannot. */
type Read<T> = () => T;

function labelled(label: string, field: HTMLElement, hint?: string): HTMLElement {
  return h(
    'label',
    { className: 'field' },
    h('span', { className: 'field-label', text: label }),
    field,
    hint ? h('span', { className: 'field-hint', text: hint }) : null,
  );
}

function textArea(value: string, rows: number, className = ''): HTMLTextAreaElement {
  const area = h('textarea', { className: `text ${className}`.trim(), attrs: { rows, spellcheck: false } });
  area.value = value;
  return area;
}

function numberInput(value: number | undefined, step: string): HTMLInputElement {
  const input = h('input', { attrs: { type: 'number', step } });
  input.value = value === undefined ? '' : String(value);
  return input;
}

function readNumber(input: HTMLInputElement, name: string): number | undefined {
  const text = input.value.trim();
  if (text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number.`);
  return value;
}

function parseJsonField(text: string, what: string): AttributeValue {
  try {
    return JSON.parse(text) as AttributeValue;
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** One part of a message: text in a plain box, anything else (tool calls, results) as JSON. */
function partEditor(part: MessagePart): { element: HTMLElement; read: Read<MessagePart> } {
  if (part.type === 'text' || part.type === 'reasoning') {
    const area = textArea(part.content, Math.min(12, Math.max(2, part.content.split('\n').length)));
    return { element: area, read: () => ({ type: part.type, content: area.value }) as MessagePart };
  }
  const area = textArea(JSON.stringify(part, null, 2), 4, 'json');
  return {
    element: h('div', { className: 'part-json' }, h('span', { className: 'part-kind', text: part.type.replace('_', ' ') }), area),
    read: () => {
      const value = parseJsonField(area.value, `A ${part.type.replace('_', ' ')}`);
      if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { type?: unknown }).type !== 'string') {
        throw new Error(`A ${part.type.replace('_', ' ')} must stay a JSON object with a "type".`);
      }
      return value as unknown as MessagePart;
    },
  };
}

function messageEditor(message: Message, onRemove: (element: HTMLElement) => void): { element: HTMLElement; read: Read<Message> } {
  const role = h('select', { attrs: { 'aria-label': 'Role' } });
  for (const name of new Set([...ROLES, message.role])) role.append(h('option', { text: name, attrs: { value: name } }));
  role.value = message.role;
  const parts = (message.parts.length > 0 ? message.parts : [{ type: 'text', content: '' } as MessagePart]).map(partEditor);
  const remove = h('button', { className: 'link-button', text: 'Remove', attrs: { type: 'button' } });
  const element = h('div', { className: 'message' }, h('div', { className: 'message-head' }, role, remove), ...parts.map((p) => p.element));
  remove.addEventListener('click', () => onRemove(element));
  return {
    element,
    read: () => ({ role: role.value, parts: parts.map((p) => p.read()), ...(message.name ? { name: message.name } : {}) }),
  };
}

/** The editable form of a draft; `read()` gives the edited draft or throws with what to fix. */
export class DraftForm {
  readonly element: HTMLElement;
  private readonly api = h('select', { attrs: { 'aria-label': 'API' } });
  private readonly baseUrl = h('input', { attrs: { type: 'text', spellcheck: false, placeholder: 'https://api.openai.com/v1' } });
  private readonly model = h('input', { attrs: { type: 'text', spellcheck: false } });
  private readonly editorModel = h('select', { attrs: { 'aria-label': 'Editor model' } });
  private readonly temperature: HTMLInputElement;
  private readonly maxTokens: HTMLInputElement;
  private readonly topP: HTMLInputElement;
  private readonly system: HTMLTextAreaElement;
  private readonly tools: HTMLTextAreaElement;
  private readonly messageList = h('div', { className: 'messages' });
  private messages: { element: HTMLElement; read: Read<Message> }[] = [];
  private readonly baseUrlField: HTMLElement;
  private readonly modelField: HTMLElement;
  private readonly editorModelField: HTMLElement;

  constructor(
    draft: ReplayDraft,
    editorModels: EditorModelChoice[],
    private readonly onChange: () => void,
  ) {
    for (const api of REPLAY_APIS) {
      if (api === 'vscode-lm' && editorModels.length === 0) continue;
      this.api.append(h('option', { text: REPLAY_API_LABELS[api], attrs: { value: api } }));
    }
    this.api.value = draft.api;
    this.baseUrl.value = draft.baseUrl;
    this.model.value = draft.model;
    for (const choice of editorModels) this.editorModel.append(h('option', { text: choice.label, attrs: { value: choice.id } }));
    if (editorModels.some((c) => c.id === draft.model)) this.editorModel.value = draft.model;
    this.temperature = numberInput(draft.parameters.temperature, '0.1');
    this.maxTokens = numberInput(draft.parameters.maxTokens, '1');
    this.topP = numberInput(draft.parameters.topP, '0.05');
    this.system = textArea(draft.system, Math.min(14, Math.max(3, draft.system.split('\n').length)));
    this.tools = textArea(
      draft.tools.length > 0 ? JSON.stringify(draft.tools, null, 2) : '[]',
      Math.min(14, Math.max(2, draft.tools.length * 6)),
      'json',
    );
    for (const message of draft.messages) this.addMessage(message);
    const addMessage = h('button', { className: 'loupe-button secondary', text: 'Add message', attrs: { type: 'button' } });
    addMessage.addEventListener('click', () => this.addMessage({ role: 'user', parts: [{ type: 'text', content: '' }] }));

    this.baseUrlField = labelled(
      'Base URL',
      this.baseUrl,
      'Any OpenAI-compatible server works, e.g. http://localhost:11434/v1 for Ollama.',
    );
    this.modelField = labelled('Model', this.model);
    this.editorModelField = labelled('Model', this.editorModel);
    this.element = h(
      'div',
      { className: 'draft-form' },
      h('div', { className: 'row' }, labelled('API', this.api), this.baseUrlField, this.modelField, this.editorModelField),
      h(
        'div',
        { className: 'row' },
        labelled('Temperature', this.temperature),
        labelled('Max tokens', this.maxTokens),
        labelled('Top p', this.topP),
      ),
      labelled('System prompt', this.system),
      h('div', { className: 'field' }, h('span', { className: 'field-label', text: 'Messages' }), this.messageList, addMessage),
      labelled('Tool definitions (JSON: [{ name, description, parameters }])', this.tools),
    );
    for (const input of [this.api, this.baseUrl, this.model, this.editorModel]) input.addEventListener('input', () => this.refresh());
    this.refresh();
  }

  private addMessage(message: Message): void {
    const editor = messageEditor(message, (element) => {
      this.messages = this.messages.filter((m) => m.element !== element);
      element.remove();
    });
    this.messages.push(editor);
    this.messageList.append(editor.element);
  }

  get apiValue(): ReplayApi {
    return this.api.value as ReplayApi;
  }

  get baseUrlValue(): string {
    return this.baseUrl.value.trim();
  }

  private refresh(): void {
    const editor = this.apiValue === 'vscode-lm';
    this.baseUrlField.hidden = editor;
    this.modelField.hidden = editor;
    this.editorModelField.hidden = !editor;
    this.onChange();
  }

  read(): ReplayDraft {
    const toolsValue = parseJsonField(this.tools.value.trim() === '' ? '[]' : this.tools.value, 'Tool definitions');
    if (
      !Array.isArray(toolsValue) ||
      !toolsValue.every(
        (t) => typeof t === 'object' && t !== null && !Array.isArray(t) && typeof (t as { name?: unknown }).name === 'string',
      )
    ) {
      throw new Error('Tool definitions must be a JSON list of objects, each with a "name".');
    }
    const maxTokens = readNumber(this.maxTokens, 'Max tokens');
    const temperature = readNumber(this.temperature, 'Temperature');
    const topP = readNumber(this.topP, 'Top p');
    const editor = this.apiValue === 'vscode-lm';
    return {
      api: this.apiValue,
      baseUrl: editor ? '' : this.baseUrlValue,
      model: editor ? this.editorModel.value : this.model.value.trim(),
      system: this.system.value,
      messages: this.messages.map((m) => m.read()),
      tools: toolsValue as unknown as ReplayTool[],
      parameters: {
        ...(temperature !== undefined ? { temperature } : {}),
        ...(maxTokens !== undefined ? { maxTokens } : {}),
        ...(topP !== undefined ? { topP } : {}),
      },
    };
  }
}
