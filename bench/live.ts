// npm run bench:live — the live pipeline under load, every part in its own process:
//   server (server/main.ts on a copy of the 289k-case history) · 1,000 Socket.IO clients (bench/live/clients)
//   · ingest driver at 100 and 1,000 events/s (bench/live/driver) · baseline: a bare Socket.IO server
//   broadcasting frames of the same size to the same 1,000 clients (bench/live/raw-server).
// Measures event-to-screen latency (driver send → screen receives the ticker item), server CPU and RSS
// (from /proc), and writes bench/results/live.json. BENCH_SECONDS per phase (default 20).
import { fork, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpuPercent, historyCopy, loadAverage, message, proc, sleep, stop, waitHealthy } from './child'
import type { LatencySummary } from './live/histogram'
import { io } from 'socket.io-client'
import { EVENTS, LIVE_NAMESPACE } from '../shared/protocol'
import { liveParser } from '../shared/socket-parser'
import { median } from './stats'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20)
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000)
const MEASURE = Number(process.env.BENCH_MEASURE ?? 100)
const RATES = (process.env.BENCH_RATES ?? '100,1000').split(',').map(Number)
/** The housekeeping tick (heartbeats, drained screens), and the raw baseline's broadcast interval. */
const TICK_MS = 250
/** Targets of issue 13.1: p50 at most 50 ms; p99 at most the raw broadcast's p99 plus 100 ms. */
const P50_TARGET_MS = 50
const P99_MARGIN_MS = 100
const REPEAT = Number(process.env.BENCH_REPEAT ?? 2)
const BASE_DB = process.env.BENCH_DB ?? 'data/bench.db'
const LIVE_DB = 'data/bench-live.db'
const PORT = 3210
const RAW_PORT = 3211
const TSX = ['--import', 'tsx']

/** From process start to the first district snapshot a screen holds (the screen keeps trying to connect). */
function firstSnapshot(base: string, t0: number): Promise<number> {
  return new Promise((resolve) => {
    const s = io(base + LIVE_NAMESPACE, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 50, parser: liveParser })
    s.on('connect', () => s.emit(EVENTS.subscribe, { scope: '410103', window: 'today' }))
    s.once(EVENTS.snapshot, () => {
      resolve(performance.now() - t0)
      s.disconnect()
    })
  })
}

interface ClientStats {
  latency: LatencySummary
  toTick?: LatencySummary
  fromTick?: LatencySummary
  districtDelivery?: LatencySummary
  frames: number
  bytes: number
  gaps: number
  snapshots: number
  connected: number
}

interface Phase {
  rate: number
  ingested: number
  failed: number
  latency: LatencySummary
  sentToTick?: LatencySummary
  tickToScreen?: LatencySummary
  districtTickToScreen?: LatencySummary
  gaps: number
  framesPerScreenPerSec: number
  avgDeltaBytes: number
  serverCpuPercent: number
  serverRssMB: number
  connected: number
  avgTickMs: number
  avgEmitMs: number
  /** Server CPU time per ingested report (ms): ingest, metrics and frames together. */
  cpuMsPerReport: number
  /** The same, of the main thread alone (the event loop: ingest, metrics, frames; no worker threads). */
  mainCpuMsPerReport: number
}

interface Baseline {
  frameBytes: number
  latency: LatencySummary
  serverCpuPercent: number
  serverRssMB: number
}

async function clientStats(clients: ChildProcess): Promise<ClientStats> {
  const p = message<ClientStats>(clients, 'stats')
  clients.send({ type: 'report' })
  return p
}

async function main() {
  // A fresh copy of the history for the server to write into; its checkpoint comes along.
  const { key, streets } = await historyCopy(BASE_DB, LIVE_DB, 'bench driver', 'import')

  const base = `http://127.0.0.1:${PORT}`
  const env = {
    ...process.env, PORT: String(PORT), HOST: '127.0.0.1', ONESCREEN_DB: LIVE_DB, ONESCREEN_DEMO: 'true', ONESCREEN_DEMO_SPEED: '0',
    ONESCREEN_TICK_MS: String(TICK_MS), LOG_LEVEL: 'warn', ONESCREEN_RATE_KEY_MAX: '100000000',
  }
  const t0 = performance.now()
  // BENCH_PROFILE=dir writes the server's CPU profile there (to see where a tick's time goes).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []
  const server = fork('server/main.ts', [], { execArgv: [...TSX, ...profile], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const snapshotMs = firstSnapshot(base, t0)
  await waitHealthy(base)
  const startMs = performance.now() - t0
  const firstSnapshotMs = await snapshotMs
  const live0 = (await (await fetch(`${base}/api/live`)).json()) as { start: { ms: number; from: string } }
  // The replay service builds its saved midnights in worker threads after the start: wait for them, so that
  // CPU and memory measure the live pipeline and not a one-off build (the saved states are kept between runs).
  const replay = async () => ((await (await fetch(`${base}/api/replay`)).json()) as { service?: { building?: boolean } }).service
  for (let quiet = 0, i = 0; quiet < 5 && i < 300; i++) {
    const service = await replay()
    quiet = service?.building ? 0 : quiet + 1
    await sleep(1000)
  }
  console.log(`replay's saved midnights ready ${((performance.now() - t0) / 1000).toFixed(0)} s after start`)
  await sleep(2000)
  const idle = proc(server.pid!)

  const clients = fork('bench/live/clients.ts', [], {
    execArgv: TSX, env: { ...process.env, URL: base, MODE: 'live', CLIENTS: String(CLIENTS), MEASURE: String(MEASURE), SCOPES: JSON.stringify(streets) },
  })
  const ready = await message<{ connected: number }>(clients, 'ready')
  await sleep(3000)
  const withClients = proc(server.pid!)
  await clientStats(clients)
  const rssPerClient = (withClients.rss - idle.rss) / ready.connected
  console.log(`server up in ${startMs.toFixed(0)} ms, first district snapshot at ${firstSnapshotMs.toFixed(0)} ms (metrics ${live0.start.from} ${live0.start.ms.toFixed(0)} ms); ${ready.connected} screens connected; ` +
    `RSS ${(idle.rss / 1e6).toFixed(0)} → ${(withClients.rss / 1e6).toFixed(0)} MB (${(rssPerClient / 1024).toFixed(1)} KB per screen)`)

  // The baseline runs beside it all along: a bare Socket.IO server with the same 1,000 screens, idle until asked
  // to broadcast. Live and raw phases alternate, so both see the same machine (it is shared, and busy).
  const raw = fork('bench/live/raw-server.ts', [], { execArgv: TSX, env: { ...process.env, PORT: String(RAW_PORT) } })
  await message(raw, 'listening')
  const rawClients = fork('bench/live/clients.ts', [], {
    execArgv: TSX, env: { ...process.env, URL: `http://127.0.0.1:${RAW_PORT}`, MODE: 'raw', CLIENTS: String(CLIENTS), MEASURE: String(MEASURE) },
  })
  await message(rawClients, 'ready')

  type Hub = { deltas: number; deltaBytes: number; ticks: number; tickMsTotal: number; emitMsTotal: number }
  type LiveStatus = { hub: Hub; eventLoopDelayMs: { p50: number; p99: number; max: number }; reportToCommitMs: { p50: number; p99: number } }
  const status = async () => (await (await fetch(`${base}/api/live`)).json()) as LiveStatus
  const hub = async () => (await status()).hub

  async function livePhase(rate: number): Promise<Phase> {
    const hubBefore = await hub()
    await clientStats(clients)
    const a = proc(server.pid!)
    const driver = fork('bench/live/driver.ts', [], {
      execArgv: TSX, env: { ...process.env, BASE: base, KEY: key, RATE: String(rate), SECONDS: String(SECONDS), DB: LIVE_DB },
    })
    const done = await message<{ eventsPerSec: number; failed: number }>(driver, 'done', (SECONDS + 60) * 1000)
    await sleep(TICK_MS * 4) // the last frames land
    const b = proc(server.pid!)
    const stats = await clientStats(clients)
    const { hub: hubAfter, eventLoopDelayMs, reportToCommitMs } = await status()
    const ticks = Math.max(1, hubAfter.ticks - hubBefore.ticks)
    const p: Phase = {
      rate, ingested: Math.round(done.eventsPerSec), failed: done.failed, latency: stats.latency, gaps: stats.gaps,
      sentToTick: stats.toTick, tickToScreen: stats.fromTick, districtTickToScreen: stats.districtDelivery,
      framesPerScreenPerSec: +(stats.frames / CLIENTS / SECONDS).toFixed(2),
      avgDeltaBytes: Math.round((hubAfter.deltaBytes - hubBefore.deltaBytes) / Math.max(1, hubAfter.deltas - hubBefore.deltas)),
      serverCpuPercent: +cpuPercent(a, b).toFixed(1), serverRssMB: +(b.rss / 1e6).toFixed(1), connected: stats.connected,
      avgTickMs: +((hubAfter.tickMsTotal - hubBefore.tickMsTotal) / ticks).toFixed(2),
      avgEmitMs: +((hubAfter.emitMsTotal - hubBefore.emitMsTotal) / ticks).toFixed(2),
      cpuMsPerReport: +((b.cpuMs - a.cpuMs) / Math.max(1, done.eventsPerSec * SECONDS)).toFixed(3),
      mainCpuMsPerReport: +((b.mainCpuMs - a.mainCpuMs) / Math.max(1, done.eventsPerSec * SECONDS)).toFixed(3),
    }
    const l = p.latency
    console.log(`live @${rate}/s: p50 ${l.p50} p99 ${l.p99} max ${l.max} ms (${l.count} samples); sent→tick p99 ${p.sentToTick!.p99}, ` +
      `tick→street p99 ${p.tickToScreen!.p99}, tick→district p99 ${p.districtTickToScreen!.p99} ms; CPU ${p.serverCpuPercent} % (${p.cpuMsPerReport} ms per report, main thread ${p.mainCpuMsPerReport}); ` +
      `delta ${p.avgDeltaBytes} B; tick ${p.avgTickMs} ms (emit ${p.avgEmitMs}); refused ${p.failed}; ` +
      `server event loop delay since start p99 ${eventLoopDelayMs.p99.toFixed(0)} max ${eventLoopDelayMs.max.toFixed(0)} ms; ` +
      `report sent → committed (last 4,096) p50 ${reportToCommitMs.p50} p99 ${reportToCommitMs.p99} ms`)
    return p
  }

  async function rawPhase(bytes: number): Promise<Baseline> {
    raw.send({ type: 'broadcast', bytes, tickMs: TICK_MS })
    await sleep(1000)
    await clientStats(rawClients)
    const a = proc(raw.pid!)
    await sleep(SECONDS * 1000)
    const b = proc(raw.pid!)
    const stats = await clientStats(rawClients)
    raw.send({ type: 'broadcast', bytes: 0, tickMs: 0 })
    const r = { frameBytes: bytes, latency: stats.latency, serverCpuPercent: +cpuPercent(a, b).toFixed(1), serverRssMB: +(b.rss / 1e6).toFixed(1) }
    console.log(`raw broadcast of ${bytes} B: p50 ${r.latency.p50} p99 ${r.latency.p99} max ${r.latency.max} ms; CPU ${r.serverCpuPercent} %`)
    return r
  }

  const runs = new Map<number, { live: Phase[]; raw: Baseline[] }>(RATES.map((r) => [r, { live: [], raw: [] }]))
  for (let rep = 0; rep < REPEAT; rep++)
    for (const rate of RATES) {
      const p = await livePhase(rate)
      runs.get(rate)!.live.push(p)
      runs.get(rate)!.raw.push(await rawPhase(p.avgDeltaBytes))
    }

  await stop(clients)
  await stop(rawClients)
  await stop(raw)
  const serverExit = new Promise((r) => server.once('exit', r))
  server.kill('SIGINT')
  await Promise.race([serverExit, sleep(15_000)])

  const summary = (ls: LatencySummary[]) => ({ p50: median(ls.map((l) => l.p50)), p99: median(ls.map((l) => l.p99)), max: median(ls.map((l) => l.max)) })
  const phases = RATES.map((rate) => {
    const { live, raw: base } = runs.get(rate)!
    const l = summary(live.map((p) => p.latency))
    const b = summary(base.map((p) => p.latency))
    return {
      rate, ingested: median(live.map((p) => p.ingested)), latency: l, serverCpuPercent: median(live.map((p) => p.serverCpuPercent)),
      serverRssMB: median(live.map((p) => p.serverRssMB)), avgDeltaBytes: median(live.map((p) => p.avgDeltaBytes)),
      sentToTickP99: median(live.map((p) => p.sentToTick!.p99)), tickToStreetP99: median(live.map((p) => p.tickToScreen!.p99)),
      tickToDistrictP99: median(live.map((p) => p.districtTickToScreen!.p99)), avgTickMs: median(live.map((p) => p.avgTickMs)),
      cpuMsPerReport: median(live.map((p) => p.cpuMsPerReport)), mainCpuMsPerReport: median(live.map((p) => p.mainCpuMsPerReport)),
      framesPerScreenPerSec: median(live.map((p) => p.framesPerScreenPerSec)),
      baseline: { latency: b, serverCpuPercent: median(base.map((p) => p.serverCpuPercent)), serverRssMB: median(base.map((p) => p.serverRssMB)) },
      targetP99: b.p99 + P99_MARGIN_MS, meetsTarget: l.p99 <= b.p99 + P99_MARGIN_MS && l.p50 <= P50_TARGET_MS, runs: { live, raw: base },
    }
  })
  const result = {
    at: new Date().toISOString(), seconds: SECONDS, repeat: REPEAT, clients: CLIENTS, measuringClients: MEASURE, tickMs: TICK_MS,
    frameMinMs: Number(process.env.ONESCREEN_FRAME_MIN_MS ?? 100), frameCoalesceMs: Number(process.env.ONESCREEN_FRAME_COALESCE_MS ?? 10),
    loadAverage: loadAverage(),
    server: { startMs: Math.round(startMs), firstSnapshotMs: Math.round(firstSnapshotMs), metricsStart: live0.start, idleRssMB: +(idle.rss / 1e6).toFixed(1), withClientsRssMB: +(withClients.rss / 1e6).toFixed(1), rssPerClientKB: +(rssPerClient / 1024).toFixed(1) },
    phases,
    targets: { p50Ms: P50_TARGET_MS, p99: `raw broadcast p99 + ${P99_MARGIN_MS} ms`, rssPerClientKB: 50 },
  }
  mkdirSync('bench/results', { recursive: true })
  writeFileSync('bench/results/live.json', JSON.stringify(result, null, 2) + '\n')

  console.log(`\nmedians of ${REPEAT} alternating runs of ${SECONDS} s; load average ${result.loadAverage.join(' ')}`)
  const rows = [
    ['phase', 'events/s', 'p50 ms', 'p99 ms', 'max ms', 'CPU %', 'CPU ms/report (main)', 'RSS MB', 'frame B'],
    ...phases.flatMap((p) => [
      [`live @${p.rate}/s`, String(p.ingested), String(p.latency.p50), String(p.latency.p99), String(Math.round(p.latency.max)), String(p.serverCpuPercent), `${p.cpuMsPerReport.toFixed(3)} (${p.mainCpuMsPerReport.toFixed(3)})`, p.serverRssMB.toFixed(1), String(p.avgDeltaBytes)],
      ['  raw Socket.IO', '—', String(p.baseline.latency.p50), String(p.baseline.latency.p99), String(Math.round(p.baseline.latency.max)), String(p.baseline.serverCpuPercent), '', String(p.baseline.serverRssMB), String(p.avgDeltaBytes)],
      [`  target p50 ≤ ${P50_TARGET_MS}, p99 ≤ ${p.targetP99} ms`, p.meetsTarget ? 'met' : 'NOT met', '', '', '', '', '', '', ''],
    ]),
  ]
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)))
  for (const r of rows) console.log(r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  '))
  console.log(`server: up in ${result.server.startMs} ms, first snapshot at ${result.server.firstSnapshotMs} ms; RSS per connected screen ${result.server.rssPerClientKB} KB (target ≤ 50 KB)`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
