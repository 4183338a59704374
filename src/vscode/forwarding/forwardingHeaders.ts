import * as vscode from 'vscode';
import { parseHeaderList } from '../../model/continuousForwarding';

/** The secret holding the headers, as `name=value,…` text (OTEL_EXPORTER_OTLP_HEADERS' form). */
const SECRET_NAME = 'loupe.forwarding.continuous.headers';

/**
 * The headers sent with every continuous forwarding request (an API key, a tenant id). They often
 * hold credentials, so they live in VS Code's secret storage, never in settings a workspace or a
 * settings sync could read.
 */
export class ForwardingHeaders implements vscode.Disposable {
  private headers: Record<string, string> | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    /** The headers changed (here or in another window). */
    private readonly onChange: () => void,
  ) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key === SECRET_NAME) void this.load().then(onChange);
    });
  }

  /** The headers as last read. */
  get current(): Record<string, string> | undefined {
    return this.headers;
  }

  /** Reads the stored headers; a stored value that no longer parses counts as none. */
  async load(): Promise<Record<string, string> | undefined> {
    const text = await this.secrets.get(SECRET_NAME);
    const parsed = text ? parseHeaderList(text) : undefined;
    this.headers = parsed && 'headers' in parsed ? parsed.headers : undefined;
    return this.headers;
  }

  /**
   * Asks for the headers; an empty answer removes them. `given` (a command argument, as scripts
   * and tests pass it) is stored without asking.
   */
  async prompt(given?: unknown): Promise<void> {
    if (typeof given === 'string') {
      const parsed = given.trim() === '' ? undefined : parseHeaderList(given);
      if (parsed && 'problem' in parsed) throw new Error(parsed.problem);
      return this.save(given);
    }
    const names = Object.keys(this.headers ?? {});
    const value = await vscode.window.showInputBox({
      title: 'Continuous forwarding headers',
      prompt:
        `Sent with every span forwarded to loupe.forwarding.continuous.endpoint, as name=value pairs separated by commas ` +
        `(percent-encode a comma or equals sign in a value), e.g. authorization=Bearer%20abc123. Kept in VS Code's secret storage. ` +
        (names.length > 0 ? `Now set: ${names.join(', ')}. Leave empty to remove them.` : 'Leave empty for none.'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (text) => {
        if (text.trim() === '') return undefined;
        const parsed = parseHeaderList(text);
        return 'problem' in parsed ? parsed.problem : undefined;
      },
    });
    if (value !== undefined) await this.save(value);
  }

  private async save(text: string): Promise<void> {
    if (text.trim() === '') await this.secrets.delete(SECRET_NAME);
    else await this.secrets.store(SECRET_NAME, text.trim());
    await this.load();
    this.onChange();
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
