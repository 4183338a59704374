import { strict as assert } from 'node:assert';
import { contentSecurityPolicy, webviewShellHtml } from '../../../src/model/htmlShell';

const VS_CODE = {
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/main.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/main.css',
  codiconUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/codicon.css',
  cspSource: 'https://*.vscode-cdn.net',
  nonce: 'r4nd0mN0nce',
};

describe('webview HTML shell', () => {
  it('allows only the nonced script and the host resources in VS Code', () => {
    const csp = contentSecurityPolicy(VS_CODE);
    assert.equal(
      csp,
      "default-src 'none'; script-src 'nonce-r4nd0mN0nce'; style-src https://*.vscode-cdn.net; img-src https://*.vscode-cdn.net data:; " +
        "font-src https://*.vscode-cdn.net; connect-src 'none'; base-uri 'none'; form-action 'none'",
    );
    const html = webviewShellHtml(VS_CODE);
    assert.match(
      html,
      /<script type="module" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\/main\.js" nonce="r4nd0mN0nce"><\/script>/,
    );
    assert.match(html, /<link rel="stylesheet" href="[^"]+codicon\.css" id="vscode-codicon-stylesheet">/);
    // No inline script or style anywhere: exactly one script element, which has a src.
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.doesNotMatch(html, /<style|\sstyle=|\son\w+=/i);
  });

  it('serves the browser page with self-only sources', () => {
    const csp = contentSecurityPolicy({
      scriptUri: 'main.js',
      styleUri: 'main.css',
      codiconUri: 'codicon.css',
      cspSource: "'self'",
      connectSrc: "'self'",
    });
    assert.match(csp, /script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'/);
  });

  it('escapes everything it writes into attributes', () => {
    const html = webviewShellHtml({
      ...VS_CODE,
      title: '</title><script>alert(1)</script>',
      scriptUri: 'x" onload="alert(1)',
      view: { page: 'trace', traceId: '0af7651916cd43dd8448eb211c80319c' },
    });
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(html, /src="x&quot; onload=&quot;alert\(1\)"/);
    assert.match(html, /<title>&lt;\/title&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title>/);
    assert.match(
      html,
      /data-view="\{&quot;page&quot;:&quot;trace&quot;,&quot;traceId&quot;:&quot;0af7651916cd43dd8448eb211c80319c&quot;\}"/,
    );
  });
});
