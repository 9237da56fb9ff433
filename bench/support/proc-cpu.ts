/** CPU time of a process from /proc/<pid>/stat (Linux). */
import { readFileSync } from 'node:fs';

/** /proc reports times in USER_HZ ticks, fixed at 100 per second in the kernel's user ABI. */
const USER_HZ = 100;

/** User + system CPU seconds `pid` has used so far; NaN when /proc cannot tell. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses: state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / USER_HZ;
  } catch {
    return NaN;
  }
}
