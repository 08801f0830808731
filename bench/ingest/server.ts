// What bench:ingest and its paired A/B (ab.ts) share: a server child on a temp database, waiting for its
// start-up work to end, and one round of single-event load against it.
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { Connection, cpuMs } from './load'
import type { Sample } from './raw'

export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 12)

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) =>
    http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    }).on('error', reject),
  )
}

/** Wait for a server child to answer `path` with 200; rejects if it exits first. */
export function listening(child: ChildProcess, port: number, path: string, what: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000
    const poll = () =>
      get(port, path).then(
        (r) => (r.status === 200 ? resolve(child) : setTimeout(poll, 200)),
        () => (Date.now() > deadline ? reject(new Error(`${what} did not start`)) : setTimeout(poll, 200)),
      )
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)))
    poll()
  })
}

export interface ServerOptions {
  /** The checkout to run (ab.ts runs two); the current directory by default. */
  cwd?: string
  file: string
  port: number
  synchronous: 'full' | 'normal'
  seedCases: number
}

/** The server as `npm start` runs it, on `file`, with rate limits out of the way and no demo simulator writing. */
export function startServer(o: ServerOptions): Promise<ChildProcess> {
  // BENCH_PROFILE=<dir> writes a CPU profile of the server there.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'server/main.ts'], {
    cwd: o.cwd,
    env: {
      ...process.env, ONESCREEN_DB: o.file, PORT: String(o.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn',
      ONESCREEN_DB_SYNCHRONOUS: o.synchronous,
      ONESCREEN_RATE_KEY_MAX: '100000000', ONESCREEN_SEED_CASES: String(o.seedCases),
      ONESCREEN_DEMO: 'false',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  return listening(child, o.port, '/api/health', `server in ${o.cwd ?? '.'}`)
}

export async function health(port: number): Promise<{ cases?: number; commits?: { groups: number; jobs: number } }> {
  return JSON.parse((await get(port, '/api/health')).text)
}

/**
 * Wait until the server's start-up work is over: the replay service builds its saved midnights in a worker
 * thread after the start, on the server's CPU, which the rounds measure (a fixed 20 s was not enough on a busy
 * machine: a profile of a paired run found that worker with 71 % of the server's samples in its first rounds).
 * Waits until it has been idle for 5 s in a row, as bench:live does; returns the seconds waited.
 */
export async function settled(port: number, viewer: string): Promise<number> {
  const t0 = performance.now()
  const building = async () => {
    const r = await get(port, '/api/replay', { authorization: `Bearer ${viewer}` })
    if (r.status === 404) return false // a checkout from before the replay service (ab.ts)
    if (r.status !== 200) throw new Error(`GET /api/replay: ${r.status} ${r.text}`)
    return !!JSON.parse(r.text).service?.building
  }
  for (let quiet = 0, i = 0; quiet < 5 && i < 300; i++) {
    quiet = (await building()) ? 0 : quiet + 1
    await new Promise((r) => setTimeout(r, 1000))
  }
  return (performance.now() - t0) / 1000
}

export function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit')
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

let sampleAt = 0
/** The body of one report, at the next sample place. */
export function reportJson(samples: Sample[]) {
  const s = samples[sampleAt++ % samples.length]
  return { source: 'patrol', matter: s.matter, lon: s.x, lat: s.y, description: '巡查发现：路面破损，需要处置', address: '二七区某路' }
}

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]

/**
 * One report per request from CONNECTIONS keep-alive connections for `seconds`: events/s and acknowledgement
 * latency (request sent → 201 received, i.e. after the commit is on disk).
 */
export async function singleRound(port: number, secret: string, samples: Sample[], seconds: number) {
  const latencies: number[] = []
  let failed = 0
  let firstError = ''
  const t0 = performance.now()
  const end = t0 + seconds * 1000
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const c = new Connection(port)
      while (performance.now() < end) {
        const body = JSON.stringify(reportJson(samples))
        const start = performance.now()
        const r = await c.post('/api/cases', body, secret)
        if (r.status === 201) latencies.push(performance.now() - start)
        else if (failed++ === 0) firstError = `${r.status} ${r.text}`
      }
      c.close()
    }),
  )
  const elapsed = (performance.now() - t0) / 1000
  const sorted = Float64Array.from(latencies).sort()
  return {
    eventsPerSec: latencies.length / elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    acked: latencies.length,
    failed,
    firstError,
  }
}

/** `run` with what it cost per event acknowledged: the server's CPU, this process's, and requests per commit. */
export async function measured<T extends { acked: number }>(port: number, pid: number, run: () => Promise<T>) {
  const cpu0 = cpuMs(pid)
  const c0 = (await health(port)).commits
  const own0 = process.cpuUsage()
  const r = await run()
  const own = process.cpuUsage(own0)
  const c1 = (await health(port)).commits
  return {
    ...r,
    serverCpuUsPerEvent: ((cpuMs(pid) - cpu0) * 1000) / r.acked,
    clientCpuUsPerEvent: (own.user + own.system) / r.acked,
    jobsPerCommit: c0 && c1 ? (c1.jobs - c0.jobs) / Math.max(1, c1.groups - c0.groups) : NaN,
  }
}
