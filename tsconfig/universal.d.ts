// The web-platform globals that every runtime Loupe runs in provides (Node, browsers, VS Code's
// extension and webview hosts). The shared layer (src/model) may use these and nothing else beyond
// ECMAScript; the other targets get the full definitions from @types/node or the DOM library.

interface URL {
  href: string;
  protocol: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  hash: string;
  username: string;
  password: string;
  toString(): string;
}

declare const URL: { new (url: string, base?: string): URL; prototype: URL };
