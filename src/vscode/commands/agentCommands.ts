import * as vscode from 'vscode';
import type { EngineConnection } from '../engine/engineConnection';
import { agentSetupText, CODING_AGENTS, COPILOT_CAPTURE_QUESTION, copilotChatSettings } from '../model/agentSetup';
import type { LoupeEndpoint } from '../model/endpointEnv';
import type { LoupeSettings } from '../model/loupeSettings';
import { registerSafeCommand } from './safeCommand';

export interface AgentCommandDeps {
  connection: EngineConnection;
  settings(): LoupeSettings;
}

/** One click to trace a coding agent: Copilot Chat's settings, and copy-ready setup for the CLIs. */
export function registerAgentCommands(deps: AgentCommandDeps): vscode.Disposable[] {
  const endpoint = (): LoupeEndpoint => {
    const configured = deps.settings().receiver;
    return (
      deps.connection.endpoint() ?? { host: configured.host, httpPort: configured.httpPort || 4318, grpcPort: configured.grpcPort || null }
    );
  };
  return [
    registerSafeCommand('loupe.traceCopilotChat', 'turn on Copilot Chat telemetry', async () => {
      const withPrompts = 'Record Prompts Too';
      const withoutPrompts = 'Spans and Metrics Only';
      const choice = await vscode.window.showInformationMessage(COPILOT_CAPTURE_QUESTION, { modal: true }, withPrompts, withoutPrompts);
      if (choice === undefined) return undefined;
      const changes = copilotChatSettings(endpoint(), choice === withPrompts);
      const section = vscode.workspace.getConfiguration('github.copilot.chat');
      for (const change of changes) await section.update(change.key, change.value, vscode.ConfigurationTarget.Global);
      void vscode.window.showInformationMessage(
        `Copilot Chat now sends its telemetry to Loupe (${changes.find((c) => c.key === 'otel.otlpEndpoint')?.value})` +
          `${choice === withPrompts ? ', prompts included' : ''}. Reload the window if Copilot Chat was already running.`,
      );
      return changes;
    }),
    registerSafeCommand('loupe.copyAgentSetup', 'copy the agent setup', async () => {
      const picked = await vscode.window.showQuickPick(
        CODING_AGENTS.map((agent) => ({ label: agent.label, detail: agent.detail, id: agent.id })),
        { placeHolder: 'Which coding agent should send its telemetry to Loupe?' },
      );
      if (!picked) return undefined;
      const text = agentSetupText(picked.id, endpoint(), process.platform === 'win32' ? 'powershell' : 'posix');
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage(
        picked.id === 'codex'
          ? 'Copied the [otel] section for ~/.codex/config.toml.'
          : `Copied the ${picked.label} setup. Paste it in the terminal that starts the agent.`,
      );
      return text;
    }),
  ];
}
