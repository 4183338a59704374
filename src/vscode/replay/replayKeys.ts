import * as vscode from 'vscode';
import type { ReplayApi } from '../../model/replayTypes';

/** Where a key is filed: per provider family and server origin, so a local server never gets the cloud key. */
export function replayKeyName(api: ReplayApi, baseUrl: string): string | undefined {
  if (api === 'vscode-lm') return undefined;
  let origin: string;
  try {
    origin = new URL(baseUrl).origin;
  } catch {
    return undefined;
  }
  return `loupe.replay.key:${api === 'anthropic' ? 'anthropic' : 'openai'}:${origin}`;
}

/** API keys for replays, kept only in the editor's SecretStorage (never in settings or the trace store). */
export class ReplayKeys {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(api: ReplayApi, baseUrl: string): Promise<string | undefined> {
    const name = replayKeyName(api, baseUrl);
    return name ? this.secrets.get(name) : undefined;
  }

  async has(api: ReplayApi, baseUrl: string): Promise<boolean> {
    return (await this.get(api, baseUrl)) !== undefined;
  }

  /** Asks for the key of an endpoint; an empty answer removes the stored one. Returns whether one is stored now. */
  async prompt(api: ReplayApi, baseUrl: string): Promise<boolean> {
    const name = replayKeyName(api, baseUrl);
    if (!name) {
      void vscode.window.showWarningMessage('Enter a valid base URL first: keys are kept per server.');
      return false;
    }
    const origin = new URL(baseUrl).origin;
    const value = await vscode.window.showInputBox({
      title: `API key for ${origin}`,
      prompt: `Kept in VS Code's secret storage for ${api === 'anthropic' ? 'Anthropic Messages' : 'OpenAI-compatible'} calls to ${origin}. Leave empty to remove it.`,
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return this.has(api, baseUrl);
    if (value.trim() === '') {
      await this.secrets.delete(name);
      return false;
    }
    await this.secrets.store(name, value.trim());
    return true;
  }
}
