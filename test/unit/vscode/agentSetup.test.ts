import * as assert from 'node:assert/strict';
import { agentSetupText, agentTelemetryEnvironment, CODING_AGENTS, copilotChatSettings } from '../../../src/vscode/model/agentSetup';

describe('coding-agent setup', () => {
  const endpoint = { host: '0.0.0.0', httpPort: 4400, grpcPort: 4401 };

  it("writes Copilot Chat's telemetry settings, prompt capture only when agreed to", () => {
    assert.deepEqual(copilotChatSettings(endpoint, false), [
      { key: 'otel.enabled', value: true },
      { key: 'otel.exporterType', value: 'otlp-http' },
      { key: 'otel.otlpEndpoint', value: 'http://127.0.0.1:4400' },
    ]);
    assert.deepEqual(copilotChatSettings(endpoint, true).at(-1), { key: 'otel.captureContent', value: true });
  });

  it('gives each CLI its setup, with prompt capture commented out', () => {
    for (const { id } of CODING_AGENTS) {
      const text = agentSetupText(id, endpoint, 'posix');
      assert.match(text, /127\.0\.0\.1:4400/, id);
      assert.match(text, /^# Also record the prompts/m, id);
      assert.doesNotMatch(
        text,
        /^(export )?(OTEL_LOG_USER_PROMPTS|GEMINI_TELEMETRY_LOG_PROMPTS|OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT|log_user_prompt)/m,
        id,
      );
    }
    assert.match(agentSetupText('claudeCode', endpoint, 'posix'), /^export CLAUDE_CODE_ENABLE_TELEMETRY=1$/m);
    assert.match(agentSetupText('claudeCode', endpoint, 'powershell'), /^\$env:OTEL_LOGS_EXPORTER="otlp"$/m);
    assert.match(
      agentSetupText('codex', endpoint, 'posix'),
      /^\[otel\]\nexporter = \{ otlp-http = \{ endpoint = "http:\/\/127\.0\.0\.1:4400\/v1\/logs", protocol = "binary" \} \}\ntrace_exporter = .*\/v1\/traces.*\nmetrics_exporter = .*\/v1\/metrics/m,
    );
  });

  it("sets the agents' switches for terminals, never prompt capture", () => {
    const env = agentTelemetryEnvironment(endpoint);
    assert.equal(env.CLAUDE_CODE_ENABLE_TELEMETRY, '1');
    assert.equal(env.GEMINI_TELEMETRY_OTLP_ENDPOINT, 'http://127.0.0.1:4400');
    assert.equal(env.COPILOT_OTEL_ENABLED, 'true');
    assert.ok(!Object.keys(env).some((name) => /PROMPT|CAPTURE|CONTENT/.test(name)));
  });
});
