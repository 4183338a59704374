import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';

/** Where scripts/setup-code-server.sh put Node 24, code-server and Chromium. */
export interface InstalledTools {
  node: string;
  codeServer: string;
  codeServerVersion: string;
  chromium: string;
}

export type ToolsLookup = { found: true; tools: InstalledTools } | { found: false; problem: string };

export function toolsCacheDir(): string {
  return process.env.LOUPE_CACHE ?? path.join(homedir(), '.cache', 'loupe-test');
}

export function findInstalledTools(): ToolsLookup {
  const manifest = path.join(toolsCacheDir(), 'tools.json');
  if (!existsSync(manifest)) return { found: false, problem: `${manifest} does not exist` };
  let tools: InstalledTools;
  try {
    tools = JSON.parse(readFileSync(manifest, 'utf8')) as InstalledTools;
  } catch (error) {
    return { found: false, problem: `${manifest} is not valid JSON: ${(error as Error).message}` };
  }
  for (const key of ['node', 'codeServer', 'chromium'] as const) {
    const file = tools[key];
    if (typeof file !== 'string' || !existsSync(file)) return { found: false, problem: `${key} not found at ${file}` };
  }
  return { found: true, tools };
}
