/** Resident memory of a process from /proc/<pid>/status (Linux). */
import { readFileSync } from 'node:fs';

/** VmRSS (now) and VmHWM (peak) in bytes; null when /proc cannot tell. */
export function processMemory(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    const rss = kb('VmRSS');
    const peak = kb('VmHWM');
    return Number.isFinite(rss) ? { rss, peak } : null;
  } catch {
    return null;
  }
}
