// What the bench scripts that drive child processes share: waiting for a child's IPC message, stopping it,
// a server's health, a process's CPU and RSS from /proc, and a fresh writable copy of the bench history for
// a server child to write into.
import type { ChildProcess } from 'node:child_process'
import { copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { loadavg } from 'node:os'
import { historyDb } from './live/history'
import { Keys, type KeySource } from '../server/keys'

/** The first IPC message of `type` from `child`; rejects when the child exits first or after `timeoutMs`. */
export function message<T>(child: ChildProcess, type: string, timeoutMs = 300_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(t)
      child.off('message', on)
      child.off('exit', exit)
    }
    const t = setTimeout(() => (done(), reject(new Error(`no ${type} from child within ${timeoutMs} ms`))), timeoutMs)
    const on = (m: { type: string }) => m.type === type && (done(), resolve(m as T))
    const exit = (code: number | null) => (done(), reject(new Error(`child exited with ${code} waiting for ${type}`)))
    child.on('message', on)
    child.on('exit', exit)
  })
}

/** Copy the bench history (`base`, built once if missing; its checkpoint comes along) to `target`, with a
 *  fresh write key: the database a server child writes into. Returns the key and the street codes. */
export async function historyCopy(base: string, target: string, keyName: string, source: KeySource) {
  ;(await historyDb(base, 289_000)).$client.close()
  for (const suffix of ['', '-wal', '-shm']) rmSync(target + suffix, { force: true })
  copyFileSync(base, target)
  const db = (await import('../server/db')).openDb(target)
  const key = new Keys(db).create({ role: 'write', name: keyName, source }).secret
  const streets = db.$client.prepare('SELECT code FROM grids WHERE level = 1').pluck().all() as string[]
  db.$client.close()
  return { key, streets }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Kill these children when this process exits, however it ends: a failed run must not leave a server on its port. */
export function reapOnExit(...children: ChildProcess[]): void {
  process.once('exit', () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  })
}

/** Ask a child to stop (IPC `stop`, or SIGTERM with `signal`), and kill it if it has not within `graceMs`. */
export async function stop(child: ChildProcess, signal = false, graceMs = 10_000) {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  if (child.connected && !signal) child.send({ type: 'stop' })
  else child.kill('SIGTERM')
  await Promise.race([exited, sleep(graceMs)])
  if (child.exitCode === null) child.kill('SIGKILL')
}

/** Wait until a server answers GET /api/health. */
export async function waitHealthy(base: string, tries = 600) {
  for (let i = 0; i < tries; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return
    } catch {
      /* not up yet */
    }
    await sleep(200)
  }
  throw new Error('server did not come up')
}

/** A process's CPU time (user + system, ms) and RSS (bytes), now. */
export function proc(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024
  // The main thread alone (its task id is the pid): the event loop's own work, without worker threads
  // (replays) and the libuv pool (fsyncs).
  const t = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')
  const g = t.slice(t.lastIndexOf(')') + 2).split(' ')
  const ticks = (x: string[]) => ((Number(x[11]) + Number(x[12])) * 1000) / 100
  // The main thread's time in the kernel (system calls: socket writes, fsyncs, epoll) apart from its own.
  return { cpuMs: ticks(f), mainCpuMs: ticks(g), mainSysMs: (Number(g[12]) * 1000) / 100, rss, at: performance.now() }
}

/**
 * Each thread of a process: its name (comm: worker threads that name themselves, else "node") and CPU time so
 * far (ms), by thread id. Says which thread does a server's work: the event loop (tid = pid), V8's GC helpers,
 * libuv's pool, worker threads.
 */
export function threads(pid: number): Map<number, { name: string; cpuMs: number }> {
  const out = new Map<number, { name: string; cpuMs: number }>()
  let tids: string[] = []
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return out
  }
  for (const tid of tids)
    try {
      const t = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      const g = t.slice(t.lastIndexOf(')') + 2).split(' ')
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()
      out.set(Number(tid), { name, cpuMs: ((Number(g[11]) + Number(g[12])) * 1000) / 100 })
    } catch {
      /* the thread ended meanwhile */
    }
  return out
}

/**
 * CPU per thread between two readings (ms), the busiest first: the main thread as "main", a thread that names
 * itself by its name, the others as "node+N" (N = its id after the pid's: the order Node started it in).
 * "ended" is what threads that ended between the readings used (the process total less the threads seen).
 */
export function threadCpu(pid: number, a: ReturnType<typeof threads>, b: ReturnType<typeof threads>, totalMs: number): [string, number][] {
  const by = new Map<string, number>()
  let seen = 0
  for (const [tid, t] of b) {
    const ms = t.cpuMs - (a.get(tid)?.cpuMs ?? 0)
    seen += ms
    const label = tid === pid ? 'main' : t.name !== 'node' ? t.name : `node+${tid - pid}`
    by.set(label, (by.get(label) ?? 0) + ms)
  }
  if (totalMs - seen >= 10) by.set('ended', totalMs - seen)
  return [...by].filter(([, ms]) => ms > 0).sort((x, y) => y[1] - x[1])
}

/**
 * Wait until a process is idle (under `pct` % of a core over 3 s; gives up after `maxMs`): a server on a fresh
 * copy of the history first builds what it keeps (the replay's saved midnights), which must not count as load.
 * Returns the last reading (% of a core).
 */
export async function settle(pid: number, maxMs = 900_000, pct = 10): Promise<number> {
  const t0 = performance.now()
  for (;;) {
    const a = proc(pid)
    await sleep(3000)
    const used = cpuPercent(a, proc(pid))
    if (used < pct || performance.now() - t0 > maxMs) return used
  }
}

/** CPU used between two readings, in % of one core. */
export const cpuPercent = (a: ReturnType<typeof proc>, b: ReturnType<typeof proc>) => (100 * (b.cpuMs - a.cpuMs)) / (b.at - a.at)

/** The machine's load average (1, 5, 15 minutes), two decimals. */
export const loadAverage = () => loadavg().map((x) => +x.toFixed(2))

/** The whole machine's CPU time so far (ms, all cores): busy and in all, from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  const total = f.reduce((a, b) => a + b, 0)
  const idle = f[3] + (f[4] ?? 0)
  return { busy: ((total - idle) * 1000) / 100, total: (total * 1000) / 100 }
}
