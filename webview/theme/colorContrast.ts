/** A colour as 0–255 channels and 0–1 alpha. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** WCAG's contrast for text and the marks that carry meaning (kind colours, the legend). */
export const MIN_CONTRAST = 4.5;

/** `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb(…)` or `rgba(…)`, as themes and browsers write them; else undefined. */
export function parseColor(text: string): Rgba | undefined {
  const value = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,8})$/.exec(value)?.[1];
  if (hex && [3, 4, 6, 8].includes(hex.length)) {
    const short = hex.length <= 4;
    const channel = (i: number) => (short ? parseInt(hex[i] + hex[i], 16) : parseInt(hex.slice(i * 2, i * 2 + 2), 16));
    const count = short ? hex.length : hex.length / 2;
    return { r: channel(0), g: channel(1), b: channel(2), a: count === 4 ? channel(3) / 255 : 1 };
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/.exec(value);
  if (fn) {
    const alpha = fn[4] === undefined ? 1 : fn[4].endsWith('%') ? parseFloat(fn[4]) / 100 : parseFloat(fn[4]);
    const clampByte = (v: string) => Math.max(0, Math.min(255, parseFloat(v)));
    return { r: clampByte(fn[1]), g: clampByte(fn[2]), b: clampByte(fn[3]), a: Math.max(0, Math.min(1, alpha)) };
  }
  return undefined;
}

/** `color` as it shows over an opaque `background` (theme tokens are often translucent). */
export function over(color: Rgba, background: Rgba): Rgba {
  const mix = (c: number, b: number) => c * color.a + b * (1 - color.a);
  return { r: mix(color.r, background.r), g: mix(color.g, background.g), b: mix(color.b, background.b), a: 1 };
}

function linear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2 relative luminance of an opaque colour. */
export function luminance(color: Rgba): number {
  return 0.2126 * linear(color.r) + 0.7152 * linear(color.g) + 0.0722 * linear(color.b);
}

/** WCAG 2 contrast ratio between two opaque colours, 1–21. */
export function contrastRatio(a: Rgba, b: Rgba): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

export function toHex(color: Rgba): string {
  const byte = (v: number) =>
    Math.round(Math.max(0, Math.min(255, v)))
      .toString(16)
      .padStart(2, '0');
  return `#${byte(color.r)}${byte(color.g)}${byte(color.b)}`;
}

/**
 * `color` made to stand out from `background` by at least `min`: as it is when it already does,
 * else mixed towards black (light backgrounds) or white (dark ones) just enough, so the hue the
 * theme chose stays recognisable.
 */
export function withContrast(color: Rgba, background: Rgba, min = MIN_CONTRAST): Rgba {
  const base = over(color, background);
  if (contrastRatio(base, background) >= min) return base;
  const target = luminance(background) > 0.18 ? 0 : 255;
  // Whole channels, so the colour written out as hex is the one that was checked.
  const mix = (t: number): Rgba => ({
    r: Math.round(base.r + (target - base.r) * t),
    g: Math.round(base.g + (target - base.g) * t),
    b: Math.round(base.b + (target - base.b) * t),
    a: 1,
  });
  let low = 0;
  let high = 1;
  for (let step = 0; step < 20; step++) {
    const mid = (low + high) / 2;
    if (contrastRatio(mix(mid), background) >= min) high = mid;
    else low = mid;
  }
  return mix(high);
}
