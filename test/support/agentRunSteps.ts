import type { RunStep } from './agentRunSender';
import { AgentRunSender } from './agentRunSender';

/** A model call step with the OpenTelemetry GenAI attributes, its system prompt given. */
export function chatStep(system: string, durationMs: number): RunStep {
  return {
    name: 'chat gpt-4o',
    durationMs,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.usage.input_tokens': 420,
      'gen_ai.usage.output_tokens': 60,
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: system }]),
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Plan a weekend in Lisbon.' }] }]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: 'Looking up the weather first.' }] },
      ]),
    },
  };
}

export function toolStep(name: string, durationMs: number): RunStep {
  return {
    name: `execute_tool ${name}`,
    durationMs,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name, 'gen_ai.tool.call.arguments': '{"city":"Lisbon"}' },
  };
}

export function agentStep(steps: RunStep[]): RunStep {
  return {
    name: 'invoke_agent planner',
    durationMs: steps.reduce((t, s) => t + s.durationMs, 0) + 1,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
    children: steps,
  };
}

/** Deterministic pseudo-random numbers (mulberry32). */
function seeded(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sends `runs` runs of one version of a trip-planning agent (model call, weather tool, model call),
 * each step's duration varied by a log-normal factor (about 25%) as real runs vary.
 */
export async function sendAgentVersion(
  endpoint: string,
  version: string,
  runs: number,
  toolMs: number,
  seed: number,
): Promise<AgentRunSender> {
  const sender = new AgentRunSender(endpoint, {
    'service.name': 'trip-planner',
    'service.version': version,
    'deployment.environment': 'test',
  });
  const random = seeded(seed);
  const jitter = () => Math.exp(0.25 * Math.sqrt(-2 * Math.log(Math.max(1e-12, random()))) * Math.cos(2 * Math.PI * random()));
  for (let i = 0; i < runs; i++) {
    sender.run(
      agentStep([
        chatStep('You are a trip planner.', 800 * jitter()),
        toolStep('get_weather', toolMs * jitter()),
        chatStep('You are a trip planner.', 600 * jitter()),
      ]),
      Date.now() - 60_000 + i * 100,
    );
  }
  await sender.flush();
  return sender;
}

/** Two runs of one agent: the second inserts a flight search and says "thrifty" where the first said "careful". */
export async function sendDiffPair(endpoint: string): Promise<{ sender: AgentRunSender; a: string; b: string }> {
  const sender = new AgentRunSender(endpoint, { 'service.name': 'trip-planner', 'service.version': '3.0.0' });
  const start = Date.now() - 30_000;
  const a = sender.run(
    agentStep([chatStep('You are a careful trip planner.', 700), toolStep('get_weather', 150), toolStep('find_hotels', 300)]),
    start,
  );
  const b = sender.run(
    agentStep([
      chatStep('You are a thrifty trip planner.', 720),
      toolStep('get_weather', 160),
      toolStep('find_flights', 250),
      toolStep('find_hotels', 310),
    ]),
    start + 5000,
  );
  await sender.flush();
  return { sender, a, b };
}
