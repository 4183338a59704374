import * as vscode from 'vscode';
import { isLoopbackBind } from '../../model/hostNames';
import { readLoupeSettings, type SettingsReading } from '../model/loupeSettings';

export function readSettings(): SettingsReading {
  const config = vscode.workspace.getConfiguration('loupe');
  // get() honours each setting's scope: machine-wide ones (host, origins, targets) ignore workspace values.
  return readLoupeSettings((key) => config.get(key));
}

const CONFIRMED_HOSTS_KEY = 'loupe.confirmedNetworkHosts';

/**
 * The address to bind: a non-loopback `loupe.receiver.host` exposes prompts to the network, so it
 * needs the user's explicit yes once per address; without it Loupe stays on 127.0.0.1.
 */
export async function confirmedBindHost(host: string, state: vscode.Memento): Promise<string> {
  if (isLoopbackBind(host)) return host;
  const confirmed = state.get<string[]>(CONFIRMED_HOSTS_KEY, []);
  if (confirmed.includes(host)) {
    void vscode.window.showWarningMessage(
      `Loupe listens on ${host}: other machines on the network can send traces and read yours (prompts included).`,
    );
    return host;
  }
  const choice = await vscode.window.showWarningMessage(
    `loupe.receiver.host is ${host}. Listening there lets other machines on the network send traces to Loupe and read yours, prompts included.`,
    { modal: true, detail: 'Choose "Listen on the Network" only on a network you trust. Otherwise Loupe keeps listening on 127.0.0.1.' },
    'Listen on the Network',
  );
  if (choice !== 'Listen on the Network') return '127.0.0.1';
  await state.update(CONFIRMED_HOSTS_KEY, [...confirmed, host]);
  return host;
}
