// Summaries of repeated benchmark runs, one definition for every bench script.
import { readFileSync } from 'node:fs'

/** The median: the middle value, or the mean of the two middle ones for an even count (NaN for none). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const n = s.length
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
}

/** CPU milliseconds a process has used so far (user + system, all its threads), from /proc. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100
}

/** Resident memory of a process (bytes), from /proc. */
export function rssBytes(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024
}

/** The machine's load average (1, 5, 15 min). */
export function loadAverage(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number)
}

/** The whole machine's CPU time so far (ms, all cores): busy and in all, from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  const total = f.reduce((a, b) => a + b, 0)
  const idle = f[3] + (f[4] ?? 0)
  return { busy: ((total - idle) * 1000) / 100, total: (total * 1000) / 100 }
}
