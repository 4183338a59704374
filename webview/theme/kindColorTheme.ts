import { SPAN_KINDS, type SpanKind } from '../../src/model/traceTypes';
import { parseColor, toHex, withContrast, type Rgba } from './colorContrast';

/**
 * The theme token each kind takes its colour from, and the colour used when the theme leaves the
 * token unset (high-contrast themes leave `charts.orange` unset; light and dark make it translucent).
 */
export const KIND_COLOR_SOURCES: Record<SpanKind, [token: string, fallback: string]> = {
  agent: ['--vscode-charts-purple', '#b180d7'],
  llm: ['--vscode-charts-blue', '#3794ff'],
  tool: ['--vscode-charts-orange', '#d18616'],
  retrieval: ['--vscode-charts-green', '#89d185'],
  embedding: ['--vscode-charts-yellow', '#cca700'],
  reranker: ['--vscode-terminal-ansiCyan', '#11a8cd'],
  chain: ['--vscode-terminal-ansiBrightBlack', '#7f8c9d'],
  memory: ['--vscode-terminal-ansiMagenta', '#bc3fbc'],
  guardrail: ['--vscode-terminal-ansiBrightRed', '#e8837c'],
  evaluator: ['--vscode-terminal-ansiBrightCyan', '#29b8db'],
  other: ['--vscode-descriptionForeground', '#8b8b8b'],
};

/** Kind colours for a theme: its tokens at full opacity, each made to contrast ≥ 4.5:1 with the editor background. */
export function kindColorsFor(token: (name: string) => string, background: Rgba): Record<SpanKind, string> {
  const colors = {} as Record<SpanKind, string>;
  for (const kind of SPAN_KINDS) {
    const [name, fallback] = KIND_COLOR_SOURCES[kind];
    const parsed = parseColor(token(name)) ?? parseColor(fallback)!;
    // Opaque: a translucent token (charts.orange is a find-highlight tint) composited over the editor
    // turns muddy; its own hue, darkened or lightened to contrast, stays recognisable.
    colors[kind] = toHex(withContrast({ ...parsed, a: 1 }, background));
  }
  return colors;
}

/**
 * Sets `--loupe-kind-*` on <body> from the current theme, and again whenever the theme changes.
 * (On <body>, not <html>: VS Code rewrites <html>'s style on a theme change, which is watched.)
 */
export function followKindColors(): () => void {
  const root = document.documentElement;
  const body = document.body;
  const apply = () => {
    const style = getComputedStyle(root);
    const background = parseColor(style.getPropertyValue('--vscode-editor-background')) ?? parseColor('#ffffff')!;
    const colors = kindColorsFor((name) => style.getPropertyValue(name), { ...background, a: 1 });
    for (const kind of SPAN_KINDS) body.style.setProperty(`--loupe-kind-${kind}`, colors[kind]);
  };
  apply();
  // VS Code switches themes by rewriting <html>'s style and <body>'s classes; browsers by the colour scheme.
  const observer = new MutationObserver(apply);
  observer.observe(root, { attributes: true, attributeFilter: ['style'] });
  observer.observe(body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-name'] });
  const scheme = matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', apply);
  return () => {
    observer.disconnect();
    scheme.removeEventListener('change', apply);
  };
}
