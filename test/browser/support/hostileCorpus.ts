/**
 * Span text an attacker (or a prompt) could send. Each payload would set `window.__pwned` if a
 * view ever turned text into markup or script; a view passes when the flag stays unset and the
 * text is shown as written. Shared by every test of a place that shows span text.
 */
export const PAYLOADS = {
  script: `<script>window.__pwned='script'</script>`,
  img: `<img src=x onerror="window.__pwned='img'">`,
  breakout: `"><img src=x onerror=window.__pwned='attr'><"`,
  link: `javascript:window.__pwned='link'`,
  anchor: `<a href="javascript:window.__pwned='anchor'">click me</a>`,
  svg: `<svg onload="window.__pwned='svg'"><script>window.__pwned='svg-script'</script></svg>`,
  iframe: `<iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>`,
  template: `{{constructor.constructor('window.__pwned=1')()}} \${window.__pwned='tpl'}`,
  style: `<style>body{display:none}</style><div style="position:fixed;inset:0">overlay</div>`,
  zeroWidth: `zero\u200bwidth\u200c\u200djoin\ufeffer`,
  rtl: `invoice\u202Egnp.exe\u202C — مرحبا שלום`,
};

/** A 1 MB value with a payload at its end. */
export function hugePayload(): string {
  return `${'A'.repeat(1_000_000)}${PAYLOADS.script}`;
}
