import * as vscode from 'vscode';
import { version } from '../../../package.json';
import { readAccessToken } from '../../core/host/accessToken';
import { registerSafeCommand } from '../commands/safeCommand';
import type { EngineConnection } from '../engine/engineConnection';
import { readOwner } from '../engine/ownerLock';
import { chooseMcpServer, mcpConfigurationText, type LoupeMcpServer, type McpConfigFlavour } from '../model/mcpServerChoice';

export const MCP_PROVIDER_ID = 'loupe.mcp';

export interface McpRegistrationDeps {
  connection: EngineConnection;
  extensionUri: vscode.Uri;
  receiverSettings(): { host: string; httpPort: number };
}

/** Whether the Loupe this window shows keeps its traces (and its access token) in this window's store. */
async function servesOurStore(connection: EngineConnection): Promise<boolean> {
  const state = connection.state;
  if (state.role === 'owner') return true;
  if (state.role !== 'joined' || !connection.storeDir) return false;
  const owner = await readOwner(connection.storeDir);
  if (!owner?.httpPort) return false;
  return new URL(state.baseUrl).port === String(owner.httpPort) && state.health.pid === owner.pid;
}

/** The MCP server of the Loupe this window shows, as it stands now. */
export async function currentMcpServer(deps: McpRegistrationDeps): Promise<LoupeMcpServer> {
  const storeDir = deps.connection.storeDir ?? '';
  const configured = deps.receiverSettings();
  return chooseMcpServer({
    endpoint: deps.connection.endpoint(),
    servesOurStore: await servesOurStore(deps.connection),
    token: storeDir ? await readAccessToken(storeDir) : undefined,
    nodePath: process.execPath,
    cliPath: vscode.Uri.joinPath(deps.extensionUri, 'dist', 'cli.js').fsPath,
    storeDir,
    configuredHost: configured.host,
    configuredHttpPort: configured.httpPort,
  });
}

function definitionOf(server: LoupeMcpServer): vscode.McpServerDefinition {
  return server.kind === 'http'
    ? // The token as a header, so it stays out of the address VS Code shows and logs.
      new vscode.McpHttpServerDefinition('Loupe', vscode.Uri.parse(server.address), { Authorization: `Bearer ${server.token}` }, version)
    : new vscode.McpStdioServerDefinition('Loupe', server.command, server.args, server.env, version);
}

/**
 * Offers Loupe's MCP server to the editor's chat (Copilot agent mode finds "Loupe" with no setup)
 * and copies its configuration for other agents. The definition follows the connection: it
 * changes when this window starts, stops, joins or hands over the receiver.
 */
export function registerMcp(deps: McpRegistrationDeps): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<void>();
  const unsubscribe = deps.connection.onDidChangeState(() => changed.fire());
  const provider: vscode.McpServerDefinitionProvider = {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: async () => [definitionOf(await currentMcpServer(deps))],
    // Resolved again at start, so a server started long after the list was made uses the port of now.
    resolveMcpServerDefinition: async () => definitionOf(await currentMcpServer(deps)),
  };
  const flavours: (vscode.QuickPickItem & { flavour: McpConfigFlavour })[] = [
    { label: 'VS Code (mcp.json)', description: '"servers"', flavour: 'vscode' },
    { label: 'Claude Code, Cursor and other MCP clients', description: '"mcpServers"', flavour: 'mcpServers' },
    { label: 'The address (or command) only', flavour: 'address' },
  ];
  return [
    changed,
    { dispose: unsubscribe },
    vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider),
    registerSafeCommand('loupe.copyMcpConfiguration', 'copy the MCP configuration', async (chosen?: McpConfigFlavour) => {
      const flavour = chosen ?? (await vscode.window.showQuickPick(flavours, { title: 'Copy MCP Configuration for…' }))?.flavour;
      if (!flavour) return undefined;
      const server = await currentMcpServer(deps);
      const text = mcpConfigurationText(server, flavour);
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage(
        server.kind === 'http'
          ? "Copied Loupe's MCP configuration. The address holds a secret token: keep it out of shared files."
          : "Copied Loupe's MCP configuration (loupe mcp on stdio: no receiver of this window serves MCP right now).",
      );
      return text;
    }),
  ];
}
