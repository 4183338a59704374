import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export type Status = 'met' | 'missed' | 'info' | 'failed';

/** One line of the results table: a figure, what it is compared with in the same run, and its target. */
export interface BenchRow {
  measure: string;
  value: string;
  /** The same-run baseline the ratio is taken against. */
  baseline?: string;
  ratio?: string;
  target?: string;
  status: Status;
}

export interface BenchSection {
  /** e.g. "1. Decode". */
  title: string;
  rows: BenchRow[];
  /** Raw figures for results.json. */
  figures: Record<string, unknown>;
  notes?: string[];
}

/** `met` when `value op limit` holds; NaN (not measured) is `failed`. */
export function judge(value: number, op: '<=' | '>=', limit: number): Status {
  if (!Number.isFinite(value)) return 'failed';
  return (op === '<=' ? value <= limit : value >= limit) ? 'met' : 'missed';
}

export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average at the start and the end of the run. */
  loadAtStart: number;
  loadAtEnd?: number;
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAtStart: Number(loadavg()[0].toFixed(2)),
  };
}

const COLUMNS = ['Measure', 'Value', 'Baseline (same run)', 'Ratio', 'Target', 'Status'] as const;

function cells(row: BenchRow): string[] {
  return [row.measure, row.value, row.baseline ?? '', row.ratio ?? '', row.target ?? '', row.status];
}

/** The table as plain text for the terminal. */
export function textTable(sections: readonly BenchSection[]): string {
  const all = sections.flatMap((s) => s.rows.map(cells));
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...all.map((r) => r[i].length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(COLUMNS), widths.map((w) => '─'.repeat(w)).join('  ')];
  for (const section of sections) {
    out.push('', section.title);
    for (const row of section.rows) out.push(line(cells(row)));
    for (const note of section.notes ?? []) out.push(`  · ${note}`);
  }
  return out.join('\n');
}

/** The same table in Markdown, for the README's Performance section. */
export function markdownTable(sections: readonly BenchSection[]): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const out = [`| Benchmark | ${COLUMNS.join(' | ')} |`, `|${' --- |'.repeat(COLUMNS.length + 1)}`];
  for (const section of sections) {
    for (const row of section.rows) out.push(`| ${escape(section.title)} | ${cells(row).map(escape).join(' | ')} |`);
  }
  return out.join('\n');
}

export function writeResults(path: string, content: Record<string, unknown>): void {
  writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`);
}
