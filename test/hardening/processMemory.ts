import { readFile } from 'node:fs/promises';

export interface ProcessMemory {
  /** Resident set size now, in MiB. */
  rssMb: number;
  /** Highest resident set size so far, in MiB. */
  peakRssMb: number;
}

/** Another process's memory from /proc (Linux); undefined where /proc is not available. */
export async function processMemory(pid: number): Promise<ProcessMemory | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
}
