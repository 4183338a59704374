import type { ReplayApi } from '../../model/replayTypes';

/**
 * The key a replay takes from the environment (`loupe serve`) when the caller gave none:
 * `OPENAI_API_KEY` / `ANTHROPIC_API_KEY`, and only for the provider's own server (or the one its
 * `*_BASE_URL` names), so a replay aimed at another server never carries the key there.
 */
export function environmentKeyFor(api: ReplayApi, baseUrl: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (api === 'vscode-lm') return undefined;
  const [keyName, baseName, official] =
    api === 'anthropic'
      ? ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'https://api.anthropic.com']
      : ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'https://api.openai.com'];
  const key = env[keyName];
  if (!key) return undefined;
  const origin = originOf(baseUrl);
  if (origin === undefined) return undefined;
  return origin === official || origin === originOf(env[baseName] ?? '') ? key : undefined;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
