import { revealInvisible } from '../../src/model/revealInvisible';

/**
 * Builds DOM from trusted structure and untrusted text: strings always become text nodes, never
 * markup, with invisible direction and spacing characters made visible. Attributes that could run script or load content (`on*`, `style`, `src`, `srcdoc`) are
 * refused; `href` is allowed only for in-page fragments.
 */

export type Child = Node | string | number | null | undefined | false;

export interface ElementProps {
  className?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string | number | boolean | undefined>;
}

const FORBIDDEN_ATTRIBUTE = /^(on|style$|src$|srcdoc$|formaction$|action$|xlink:href$)/i;

export function setSafeAttribute(element: Element, name: string, value: string | number | boolean | undefined): void {
  if (FORBIDDEN_ATTRIBUTE.test(name)) throw new Error(`Refusing to set the ${name} attribute.`);
  if (value === undefined || value === false) {
    element.removeAttribute(name);
    return;
  }
  const text = value === true ? '' : String(value);
  if (name.toLowerCase() === 'href' && !text.startsWith('#')) throw new Error('Only in-page links are allowed.');
  element.setAttribute(name, text);
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props) {
    if (props.className) element.className = props.className;
    if (props.title !== undefined) element.title = revealInvisible(props.title);
    if (props.text !== undefined) element.textContent = revealInvisible(props.text);
    if (props.attrs) for (const [name, value] of Object.entries(props.attrs)) setSafeAttribute(element, name, value);
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(
      typeof child === 'string' || typeof child === 'number' ? document.createTextNode(revealInvisible(String(child))) : child,
    );
  }
}

/** A codicon glyph (decorative, hidden from screen readers). */
export function icon(name: string, className = ''): HTMLSpanElement {
  const span = h('span', { className: `codicon codicon-${name} ${className}`.trim(), attrs: { 'aria-hidden': 'true' } });
  return span;
}

export function clear(element: Element): void {
  element.replaceChildren();
}

/** A plain button that runs `onClick`; text is set as text. */
export function button(
  label: string,
  onClick: (event: MouseEvent) => void,
  options: { icon?: string; title?: string; className?: string } = {},
): HTMLButtonElement {
  const element = h('button', {
    className: `loupe-button ${options.className ?? ''}`.trim(),
    title: options.title,
    attrs: { type: 'button' },
  });
  if (options.icon) element.append(icon(options.icon));
  if (label) element.append(h('span', { text: label }));
  element.addEventListener('click', onClick);
  return element;
}
