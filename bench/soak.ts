// npm run bench:soak — months of uptime, compressed: the server (server/main.ts on a copy of the 289k-case
// history, demo simulator running) under 200 reports/s (bench/soak/reporter, each case voided 5–60 s later so
// the open caseload stays level) with 500 live screens (bench/live/clients), every part in its own process,
// for SOAK_MINUTES (default 60). Every SOAK_SAMPLE_S (default 60) it samples the server's RSS (/proc), heap
// and active resources (GET /api/live), open file descriptors (/proc/pid/fd) and the last minute's event-loop
// delay, and at the end fits a line to each after the warm-up (SOAK_WARMUP_MINUTES, default 10): the slope per
// hour, its standard error and the scatter around the line. Target: no growth beyond noise. This measures
// growth, not speed, so it may run beside other work; it records the machine's load with every sample.
// Results: bench/results/soak.json.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg, uptime } from 'node:os'
import { historyCopy, message, sleep, stop } from './child'

const MINUTES = Number(process.env.SOAK_MINUTES ?? 60)
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 60)
const WARMUP_MINUTES = Number(process.env.SOAK_WARMUP_MINUTES ?? Math.min(10, MINUTES / 3))
const SCREENS = Number(process.env.SOAK_SCREENS ?? 500)
const RATE = Number(process.env.SOAK_RATE ?? 200)
const DEMO_SPEED = process.env.SOAK_DEMO_SPEED ?? '1'
const BASE_DB = process.env.BENCH_DB ?? 'data/bench.db'
const SOAK_DB = 'data/bench-soak.db'
const PORT = Number(process.env.SOAK_PORT ?? 3230)
const TSX = ['--import', 'tsx']
interface Live {
  memory: NodeJS.MemoryUsage
  resources: Record<string, number>
  eventLoopDelayLastMinuteMs: { p50: number; p99: number; max: number } | null
  hub: { sockets: number; views: number }
  demo: { reported?: number } | null
}

interface Sample {
  minute: number
  rssMB: number
  heapUsedMB: number
  heapTotalMB: number
  externalMB: number
  fds: number
  resources: number
  loopP50Ms: number | null
  loopP99Ms: number | null
  loopMaxMs: number | null
  sockets: number
  /** New reports acknowledged per second since the previous sample. */
  reportsPerSec: number
  reported: number
  voided: number
  failed: number
  load1: number
}

/** Least squares y = a + b·x: slope b, its standard error, and the residuals' standard deviation. */
export function fit(xs: number[], ys: number[]) {
  const n = xs.length
  const mx = xs.reduce((s, x) => s + x, 0) / n
  const my = ys.reduce((s, y) => s + y, 0) / n
  let sxx = 0
  let sxy = 0
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2
    sxy += (xs[i] - mx) * (ys[i] - my)
  }
  const slope = sxy / sxx
  const resid = ys.map((y, i) => y - (my + slope * (xs[i] - mx)))
  const sd = Math.sqrt(resid.reduce((s, r) => s + r * r, 0) / Math.max(1, n - 2))
  return { slope, slopeSe: sd / Math.sqrt(sxx), residualSd: sd, mean: my }
}

async function main() {
  const { key, streets } = await historyCopy(BASE_DB, SOAK_DB, 'soak reporter', 'app')

  const base = `http://127.0.0.1:${PORT}`
  const server = fork('server/main.ts', [], {
    execArgv: TSX,
    env: {
      ...process.env, PORT: String(PORT), HOST: '127.0.0.1', ONESCREEN_DB: SOAK_DB, ONESCREEN_DEMO: 'true',
      ONESCREEN_DEMO_SPEED: DEMO_SPEED, LOG_LEVEL: 'warn', ONESCREEN_RATE_KEY_MAX: '100000000', ONESCREEN_RATE_MAX: '100000000',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break
    } catch {
      if (i > 900) throw new Error('server did not come up')
    }
    await sleep(200)
  }
  const live = async () => (await (await fetch(`${base}/api/live`)).json()) as Live
  const pid = server.pid!
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

  const screens = fork('bench/live/clients.ts', [], {
    execArgv: TSX, env: { ...process.env, URL: base, MODE: 'live', CLIENTS: String(SCREENS), MEASURE: '20', SCOPES: JSON.stringify(streets) },
  })
  const ready = await message<{ connected: number }>(screens, 'ready', 600_000)
  const reporter = fork('bench/soak/reporter.ts', [], { execArgv: TSX, env: { ...process.env, PORT: String(PORT), KEY: key, RATE: String(RATE), DB: SOAK_DB } })
  await message(reporter, 'ready')
  const started = { uptime: uptime(), load: loadavg(), at: new Date().toISOString() }
  console.log(`soak: ${ready.connected} screens, ${RATE} reports/s, demo ${DEMO_SPEED}×, ${MINUTES} min, a sample every ${SAMPLE_S} s (load ${started.load.map((x) => x.toFixed(1)).join(' ')})`)

  const samples: Sample[] = []
  const t0 = performance.now()
  for (let k = 1; k <= Math.floor((MINUTES * 60) / SAMPLE_S); k++) {
    await sleep(Math.max(0, t0 + k * SAMPLE_S * 1000 - performance.now()))
    const [l, r] = await Promise.all([live(), (async () => {
      const p = message<{ reported: number; voided: number; failed: number; firstError: string }>(reporter, 'stats')
      reporter.send({ type: 'report' })
      return p
    })()])
    const s: Sample = {
      minute: (performance.now() - t0) / 60_000,
      rssMB: rss(), heapUsedMB: l.memory.heapUsed / 2 ** 20, heapTotalMB: l.memory.heapTotal / 2 ** 20, externalMB: l.memory.external / 2 ** 20,
      fds: readdirSync(`/proc/${pid}/fd`).length, resources: Object.values(l.resources).reduce((a, b) => a + b, 0),
      loopP50Ms: l.eventLoopDelayLastMinuteMs?.p50 ?? null, loopP99Ms: l.eventLoopDelayLastMinuteMs?.p99 ?? null, loopMaxMs: l.eventLoopDelayLastMinuteMs?.max ?? null,
      sockets: l.hub.sockets, reportsPerSec: (r.reported - (samples.at(-1)?.reported ?? 0)) / SAMPLE_S, reported: r.reported, voided: r.voided, failed: r.failed, load1: loadavg()[0],
    }
    samples.push(s)
    console.log(
      `${s.minute.toFixed(1).padStart(5)} min  RSS ${s.rssMB.toFixed(0)} MB  heap ${s.heapUsedMB.toFixed(1)}/${s.heapTotalMB.toFixed(0)} MB  ` +
        `fds ${s.fds}  resources ${s.resources}  loop p99 ${s.loopP99Ms?.toFixed(1) ?? '–'} ms  screens ${s.sockets}  ` +
        `${s.reportsPerSec.toFixed(0)} reports/s (${s.reported} in all) voided ${s.voided} failed ${s.failed}${r.failed ? ` (${r.firstError})` : ''}  load ${s.load1.toFixed(1)}`,
    )
  }
  const ended = { uptime: uptime(), load: loadavg(), at: new Date().toISOString() }
  await stop(reporter)
  await stop(screens)
  await stop(server, true)

  const after = samples.filter((s) => s.minute >= WARMUP_MINUTES)
  const trend = (pick: (s: Sample) => number | null) => {
    const pts = after.filter((s) => pick(s) !== null)
    if (pts.length < 3) return null
    const f = fit(pts.map((s) => s.minute / 60), pts.map((s) => pick(s)!))
    // Growth beyond noise: a slope more than two standard errors from zero that, over the measured span, moves
    // the figure by more than twice the scatter around the line.
    const span = (pts[pts.length - 1].minute - pts[0].minute) / 60
    return { perHour: f.slope, perHourSe: f.slopeSe, residualSd: f.residualSd, mean: f.mean, grows: Math.abs(f.slope) > 2 * f.slopeSe && f.slope * span > 2 * f.residualSd }
  }
  const result = {
    date: ended.at,
    settings: { minutes: MINUTES, sampleSeconds: SAMPLE_S, warmupMinutes: WARMUP_MINUTES, screens: SCREENS, connected: ready.connected, reportsPerSec: RATE, demoSpeed: Number(DEMO_SPEED) },
    machine: { started, ended },
    reportsPerSec: after.reduce((a, s) => a + s.reportsPerSec, 0) / Math.max(1, after.length),
    trends: {
      rssMB: trend((s) => s.rssMB), heapUsedMB: trend((s) => s.heapUsedMB), fds: trend((s) => s.fds), resources: trend((s) => s.resources),
      loopP99Ms: trend((s) => s.loopP99Ms),
    },
    samples,
  }
  mkdirSync('bench/results', { recursive: true })
  writeFileSync('bench/results/soak.json', JSON.stringify(result, null, 2) + '\n')
  console.log(`\nafter ${WARMUP_MINUTES} min warm-up (${after.length} samples): slope per hour ± standard error (scatter)`)
  for (const [name, t] of Object.entries(result.trends))
    if (t) console.log(`${t.grows ? '✗ grows' : '✓ flat '} ${name.padEnd(11)} ${t.perHour.toFixed(2)} ± ${t.perHourSe.toFixed(2)} /h (scatter ${t.residualSd.toFixed(2)}, mean ${t.mean.toFixed(1)})`)
  console.log(`machine: uptime ${(started.uptime / 3600).toFixed(1)} → ${(ended.uptime / 3600).toFixed(1)} h, load ${started.load.map((x) => x.toFixed(1)).join(' ')} → ${ended.load.map((x) => x.toFixed(1)).join(' ')}`)
  console.log('written to bench/results/soak.json')
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
