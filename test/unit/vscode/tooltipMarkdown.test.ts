import * as assert from 'node:assert/strict';
import { Marked } from 'marked';
import type { TraceSummary } from '../../../src/model/traceTypes';
import { inertLabelText, inertMessageText, markdownText } from '../../../src/vscode/model/markdownText';
import type { SpanNode } from '../../../src/vscode/model/traceTreeModel';
import { spanTooltipMarkdown, traceTooltipMarkdown } from '../../../src/vscode/model/treeItemText';
import { hugePayload, PAYLOADS } from '../../browser/support/hostileCorpus';

// VS Code renders MarkdownString with marked (GFM); this renders it the same way.
const marked = new Marked({ gfm: true, breaks: false });
const render = (markdown: string): string => marked.parse(markdown, { async: false }) as string;
const EXTRA = {
  mdLink: '[click](command:workbench.action.terminal.new)',
  autolink: 'see https://evil.example/x and www.evil.example',
  angle: '<https://evil.example>',
  image: '![x](https://evil.example/pixel.png)',
  heading: '# heading\n---\n| a | b |',
  entity: '&lt;script&gt;alert(1)&lt;/script&gt;',
};
const HOSTILE = { ...PAYLOADS, ...EXTRA };
/** The only markup a tooltip may contain: paragraphs, bold labels, line breaks and the id in code. */
const ALLOWED_TAGS = new Set(['p', '/p', 'strong', '/strong', 'br', 'code', '/code']);

function tagsIn(html: string): string[] {
  return [...html.matchAll(/<\/?([a-z0-9]+)[^>]*>/gi)].map((m) => (m[0].startsWith('</') ? `/${m[1]}` : m[1]).toLowerCase());
}

function hostileSpan(text: string): SpanNode {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    name: text,
    kind: 'tool',
    status: 'error',
    statusMessage: text,
    startTime: 0,
    durationMs: 12,
    service: text,
    model: text,
    provider: text,
    toolName: text,
    agentName: text,
    tokens: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 2 },
    costUsd: null,
    aggregate: false,
    code: { filePath: text, line: 3, function: text },
    error: { type: text, message: text },
    childIds: [],
  };
}

function hostileSummary(text: string): TraceSummary {
  return {
    traceId: `0af7651916cd43dd8448eb211c80319c${text}`,
    name: text,
    service: text,
    startTime: 0,
    durationMs: 1,
    updatedTime: 0,
    spanCount: 1,
    errorCount: 1,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 0 },
    costUsd: 0,
    unpricedCalls: 0,
    llmCalls: 0,
    agents: [text],
    models: [text],
    services: [text],
    sessions: [],
    users: [],
    orphanCount: 0,
    droppedSpans: 0,
  };
}

describe('tree tooltips render span text inert', () => {
  for (const [name, payload] of Object.entries(HOSTILE)) {
    it(`${name}: no markup, link or image forms and the text reads as written`, () => {
      for (const markdown of [spanTooltipMarkdown(hostileSpan(payload)), traceTooltipMarkdown(hostileSummary(payload), 0)]) {
        const html = render(markdown);
        const unexpected = tagsIn(html).filter((tag) => !ALLOWED_TAGS.has(tag));
        assert.deepEqual(unexpected, [], `unexpected markup in ${html.slice(0, 400)}`);
        assert.doesNotMatch(html, /<[a-z][^>]*\s[a-z-]+=/i, 'no element carries attributes');
      }
      // What the user reads is the original text (flattened, hidden characters made visible).
      const shown = render(markdownText(payload, 10_000)).replace(/<\/?p>\n?/g, '');
      const decoded = shown
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&');
      const expected = payload
        .replace(/[\r\n]+/g, ' ')
        .replace(
          /[\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/g,
          (c) => `⟪U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟫`,
        );
      assert.equal(decoded.trim(), expected.trim());
    });
  }

  it('cuts a 1 MB value to a short one that says how long it was', () => {
    const markdown = spanTooltipMarkdown(hostileSpan(hugePayload()));
    assert.ok(markdown.length < 10_000, `tooltip is ${markdown.length} characters`);
    assert.match(render(markdown), /1,000,\d+ characters/);
    assert.deepEqual(
      tagsIn(render(markdown)).filter((tag) => !ALLOWED_TAGS.has(tag)),
      [],
    );
  });

  it('makes bidi overrides and zero-width characters visible', () => {
    assert.equal(markdownText('invoice\u202Egnp.exe'), 'invoice⟪U\\+202E⟫gnp\\.exe');
  });
});

describe('span text in notifications and quick picks', () => {
  it('cannot form a notification link (VS Code links [label](target) in messages)', () => {
    const hostile = 'Span "[Run me](command:workbench.action.terminal.new)" and [site]( https://evil.example)';
    const inert = inertMessageText(hostile);
    // The pattern VS Code's notifications use to find links (parseLinkedText).
    const vscodeLink = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
    assert.ok(vscodeLink.test(hostile), 'the raw text would link');
    vscodeLink.lastIndex = 0;
    assert.equal(vscodeLink.test(inert), false);
    assert.equal(inert, 'Span "[Run me] (command:workbench.action.terminal.new)" and [site] ( https://evil.example)');
  });

  it('cannot render icons in a quick pick label', () => {
    assert.equal(inertLabelText('$(alert) invoice\u202Egnp.exe'), '\\$(alert) invoice⟪U+202E⟫gnp.exe');
  });
});
