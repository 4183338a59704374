import { strict as assert } from 'node:assert';
import type { Message } from '../../../src/model/traceTypes';
import { FOLD_CHARS, foldText, messageViews, prettyJson } from '../../../webview/details/messageView';
import { attributeRows } from '../../../webview/details/attributeRows';

describe('message view model', () => {
  it('turns a tool round trip into titled blocks per role', () => {
    const messages: Message[] = [
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
        finishReason: 'tool_calls',
      },
      { role: 'tool', name: 'get_weather', parts: [{ type: 'tool_result', id: 'call_1', result: { tempC: 18 } }] },
    ];
    const views = messageViews(messages);
    assert.deepEqual(
      views.map((v) => [v.roleClass, v.title]),
      [
        ['system', 'System'],
        ['user', 'User'],
        ['assistant', 'Assistant'],
        ['tool', 'Tool · get_weather'],
      ],
    );
    assert.equal(views[2].finishReason, 'tool_calls');
    const call = views[2].blocks[0];
    assert.equal(call.kind, 'toolCall');
    if (call.kind === 'toolCall') {
      assert.equal(call.name, 'get_weather');
      assert.equal(call.callId, 'call_1');
      assert.equal(call.arguments.text, '{\n  "city": "Paris"\n}');
    }
    const result = views[3].blocks[0];
    assert.equal(result.kind === 'toolResult' && result.result.text, '{\n  "tempC": 18\n}');
  });

  it('keeps reasoning apart from the answer', () => {
    const [view] = messageViews([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'The user wants a greeting.' },
          { type: 'text', content: 'Hello!' },
        ],
      },
    ]);
    assert.deepEqual(
      view.blocks.map((b) => b.kind),
      ['reasoning', 'text'],
    );
    assert.equal(view.blocks[0].kind === 'reasoning' && view.blocks[0].body.text, 'The user wants a greeting.');
  });

  it('folds long texts with a short preview and keeps short ones whole', () => {
    assert.equal(foldText('short').preview, undefined);
    const long = 'x'.repeat(FOLD_CHARS + 1);
    const folded = foldText(long);
    assert.ok(folded.preview && folded.preview.length < 500);
    assert.equal(folded.text, long);
    assert.equal(folded.chars, long.length);
    const manyLines = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    const byLines = foldText(manyLines);
    assert.equal(byLines.lines, 40);
    assert.ok(byLines.preview && byLines.preview.split('\n').length <= 6);
  });

  it('pretty-prints JSON values and JSON inside strings, leaving other strings alone', () => {
    assert.equal(prettyJson('{"a":[1,2]}'), '{\n  "a": [\n    1,\n    2\n  ]\n}');
    assert.equal(prettyJson('{not json}'), '{not json}');
    assert.equal(prettyJson('plain <b>text</b>'), 'plain <b>text</b>');
    assert.equal(prettyJson(42), '42');
    assert.equal(prettyJson(undefined), '');
  });

  it('never throws on odd shapes', () => {
    const odd = [
      { role: 'assistant', parts: null },
      { parts: [{ type: 'weird', content: { x: 1 } }] },
      { role: 'user', parts: [{ type: 'text', content: { nested: true } }] },
      null,
    ] as unknown as Message[];
    const views = messageViews(odd);
    assert.equal(views.length, 4);
    assert.equal(views[0].blocks.length, 0);
    assert.equal(views[1].title, 'Unknown');
    assert.equal(views[1].blocks[0].kind, 'other');
    assert.deepEqual(messageViews(undefined), []);
  });
});

describe('attribute rows', () => {
  const attributes = { 'gen_ai.request.model': 'gpt-4o-mini', 'http.status_code': 200, flags: [true, null], z: { k: 'v' } };

  it('sorts by key and renders non-strings as JSON', () => {
    assert.deepEqual(attributeRows(attributes), [
      { key: 'flags', value: '[true,null]', type: 'array' },
      { key: 'gen_ai.request.model', value: 'gpt-4o-mini', type: 'string' },
      { key: 'http.status_code', value: '200', type: 'number' },
      { key: 'z', value: '{"k":"v"}', type: 'object' },
    ]);
  });

  it('filters by key or value, ignoring case', () => {
    assert.deepEqual(
      attributeRows(attributes, 'GPT').map((r) => r.key),
      ['gen_ai.request.model'],
    );
    assert.deepEqual(
      attributeRows(attributes, 'status').map((r) => r.key),
      ['http.status_code'],
    );
    assert.deepEqual(attributeRows(undefined, 'x'), []);
  });
});
