import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionOptions, EngineConnection } from '../engine/engineConnection';
import { engineOptionsOf, settingsEffect, type EnginePlaces, type LoupeSettings, type SettingsReading } from '../model/loupeSettings';
import { inertMessageText } from '../model/markdownText';
import { confirmedBindHost, readSettings } from './configuration';

/** Everything the engine connection needs, from settings and where the extension lives. */
export function connectionOptionsOf(
  settings: LoupeSettings,
  places: EnginePlaces,
  host: string,
  extensionPath: string,
  events: Pick<ConnectionOptions, 'onStoreError' | 'onStoreRecovered' | 'onBudgetCrossing' | 'onRefused' | 'onForwardingStatus'>,
  forwardingHeaders?: Record<string, string>,
): ConnectionOptions {
  return {
    workerScript: path.join(extensionPath, 'dist', 'engineWorker.js'),
    engine: engineOptionsOf(settings, places, host, forwardingHeaders),
    autoStart: settings.receiver.autoStart,
    ...events,
  };
}

/** Reports settings that could not be used, once per distinct problem. */
export function reportSettingsProblems(reading: SettingsReading, shown: Set<string>): void {
  const fresh = reading.problems.filter((problem) => !shown.has(problem));
  if (fresh.length === 0) return;
  for (const problem of fresh) shown.add(problem);
  void vscode.window.showWarningMessage(`Loupe settings: ${fresh.join(' ')}`, 'Open Settings').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'loupe');
  });
}

/**
 * Applies `loupe.*` changes while running: new listener or ingest settings restart the engine
 * (the store is kept), store limits, prices and continuous forwarding change live, the endpoint
 * injection follows.
 */
export class SettingsController implements vscode.Disposable {
  private readonly problemsShown = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private current: LoupeSettings,
    private readonly connection: EngineConnection,
    private readonly optionsFor: (settings: LoupeSettings, host: string) => ConnectionOptions,
    private readonly state: vscode.Memento,
    private readonly onEndpointSettings: () => void,
  ) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('loupe'))
        void this.apply().catch((error: unknown) => {
          void vscode.window.showErrorMessage(
            inertMessageText(`Loupe could not apply the new settings: ${error instanceof Error ? error.message : String(error)}`),
          );
        });
    });
  }

  get settings(): LoupeSettings {
    return this.current;
  }

  async apply(): Promise<void> {
    const reading = readSettings();
    reportSettingsProblems(reading, this.problemsShown);
    const next = reading.settings;
    const effect = settingsEffect(this.current, next);
    this.current = next;
    if (effect.restartEngine) {
      const host = await confirmedBindHost(next.receiver.host, this.state);
      await this.connection.reconfigure(this.optionsFor(next, host));
    } else {
      if (effect.limits) await this.connection.setLimits(this.optionsFor(next, next.receiver.host).engine);
      if (effect.pricing) await this.connection.setPricing(next.pricing);
      if (effect.forwarding) await this.applyForwarding();
    }
    this.onEndpointSettings();
  }

  /** Sends the forwarding settings, with the headers from secret storage, to the engine (after either changed). */
  async applyForwarding(): Promise<void> {
    await this.connection.setForwarding(this.optionsFor(this.current, this.current.receiver.host).engine.forwarding);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
