import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { TokenCounts } from '../../../src/model/traceTypes';

export const RECORDINGS_DIR = 'test/fixtures/agents';

/** One OTLP export request as the CLI sent it (index.jsonl), with its body (gzip-compressed on disk). */
export interface RecordedRequest {
  seq: number;
  file: string;
  path: string;
  contentType: string;
  transport: 'http' | 'grpc';
  gzipBody: Buffer;
  body: Buffer;
}

export interface RecordedRun {
  agent: string;
  scenario: string;
  requests: RecordedRequest[];
  expected: {
    llmCalls: number;
    toolCalls: string[];
    /** Codex code mode: tools the model's script called (absent in older manifests). */
    nestedToolCalls?: string[];
    tokens: TokenCounts;
    prompts: string[];
    agentCostUsd: number | null;
  };
}

/** Every recorded CLI run: `test/fixtures/agents/<agent>/<scenario>/`. */
export function recordedRuns(): RecordedRun[] {
  const runs: RecordedRun[] = [];
  for (const agent of readdirSync(RECORDINGS_DIR, { withFileTypes: true })) {
    if (!agent.isDirectory()) continue;
    for (const scenario of readdirSync(join(RECORDINGS_DIR, agent.name), { withFileTypes: true })) {
      if (!scenario.isDirectory()) continue;
      const dir = join(RECORDINGS_DIR, agent.name, scenario.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { expected: RecordedRun['expected'] };
      const requests = readFileSync(join(dir, 'otlp', 'index.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Omit<RecordedRequest, 'gzipBody' | 'body'>)
        .map((entry) => {
          const gzipBody = readFileSync(join(dir, 'otlp', entry.file));
          return { ...entry, gzipBody, body: gunzipSync(gzipBody) };
        });
      runs.push({ agent: agent.name, scenario: scenario.name, requests, expected: manifest.expected });
    }
  }
  return runs;
}
