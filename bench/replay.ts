// npm run bench:replay — replay on the three-year history, the server in its own process (server/main.ts on a
// copy of the 289k-case history):
//   1. the saved midnights: how long the build takes and what it costs on disk;
//   2. seek: a screen (LiveClient, the wall's own connection code) in a replay jumps to 100 random moments;
//      the time from the command to the new snapshot on the screen, median and p99 (target ≤ 1 s); and the
//      same on the wall in Chromium, driven by the wall control (bench/replay/wall.ts): until the page has it;
//   3. playback at 3,600×: frames per second on the screen and on the wall (target ≥ 10), the server CPU the session
//      costs (target ≤ 1/3 of a core): its worker thread, and the whole process playing against paused (the
//      main thread's share of sending its frames included); the memory a replay adds to the server;
//   4. live screens unaffected: 300 live screens and 100 reports/s, in alternating phases without and with
//      BENCH_REPLAYS replays (default 8, the cap) playing at 3,600×; event→screen latency, frame cadence
//      (the gaps between a district screen's frames) and frames per screen per second of both, measured while
//      the reports flow; the server CPU each replay adds.
// Writes bench/results/replay.json. BENCH_SEEKS (100), BENCH_SECONDS per phase (15), BENCH_REPEAT (2).
import { fork } from 'node:child_process'
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { LiveClient } from '../client/live/liveClient'
import { createRandom } from '../shared/random'
import type { LatencySummary } from './live/histogram'
import { cpuPercent, historyCopy, loadAverage, message, proc, reapOnExit, sleep, stop, waitHealthy } from './child'
import { median } from './stats'
import { onTheWall, wallSetup } from './replay/wall'
import { ensureClientBuilt } from '../test/e2e/harness'
import { RAINSTORM_START } from '../fixtures/generate/history/storm'

const SEEKS = Number(process.env.BENCH_SEEKS ?? 100)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15)
const REPEAT = Number(process.env.BENCH_REPEAT ?? 2)
const SCREENS = Number(process.env.BENCH_CLIENTS ?? 300)
const REPLAYS = Number(process.env.BENCH_REPLAYS ?? 8)
const BASE_DB = process.env.BENCH_DB ?? 'data/bench.db'
const DB = 'data/bench-replay.db'
const PORT = 3220
const TSX = ['--import', 'tsx']
const base = `http://127.0.0.1:${PORT}`

type Stats = { cpuMs: number | null; heapMB: number; stateMB: number; sessions: number; building: boolean; lastDay: number | null }
type ReplayInfo = { running: number; logStart: number; service: Stats; sessions: (Stats & { id: number })[]; max: number }
const info = async () => (await (await fetch(`${base}/api/replay`)).json()) as ReplayInfo
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]

/** A wall screen in a replay: resolves each command once the screen holds the frame for that moment. */
function screen() {
  const frames = { count: 0 }
  let waiting: { at: number; resolve: () => void } | null = null
  const c = new LiveClient({
    url: base, socket: { transports: ['websocket'] },
    onFrame: () => (frames.count++, true),
    onChange: (parts) => {
      if (waiting && parts.has('frameAt') && c.frameAt === waiting.at) waiting.resolve()
    },
  })
  c.subscribe('410103', 'today')
  const shown = (at: number) => new Promise<void>((resolve) => (waiting = { at, resolve }))
  return { c, frames, shown }
}

async function main() {
  console.log(`load average ${loadAverage().join(' ')}`)
  // The saved midnights of an earlier run are kept (they are checked against the log on start); delete them
  // with BENCH_FRESH_STATES=1 to time a build from nothing.
  if (process.env.BENCH_FRESH_STATES) for (const s of ['-replay', '-replay-wal', '-replay-shm']) rmSync(DB + s, { force: true })
  const { key, streets } = await historyCopy(BASE_DB, DB, 'bench driver', 'import')
  const wallsFile = 'data/bench-replay-walls.json'
  const controlKey = wallSetup(DB, wallsFile)

  const env = {
    ...process.env, PORT: String(PORT), HOST: '127.0.0.1', ONESCREEN_DB: DB, ONESCREEN_DEMO: 'true', ONESCREEN_DEMO_SPEED: '0',
    ONESCREEN_WALLS: wallsFile, LOG_LEVEL: 'info', ONESCREEN_RATE_KEY_MAX: '100000000', ONESCREEN_RATE_MAX: '100000000',
  }
  // The wall part needs the built client, and the server looks for it when it starts.
  await ensureClientBuilt()
  const t0 = performance.now()
  const server = fork('server/main.ts', [], { execArgv: TSX, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  reapOnExit(server)
  await waitHealthy(base)
  // 1. The saved midnights.
  // Every midnight up to the last settled one (an hour ago, on the district's UTC+8 clock).
  const settled = Math.floor((Date.now() - 3_600_000 + 8 * 3_600_000) / 86_400_000)
  for (let s = await info(); s.service.building || (s.service.lastDay ?? 0) < settled; s = await info()) await sleep(1000)
  const buildS = (performance.now() - t0) / 1000
  const statesMB = statSync(`${DB}-replay`).size / 1048576
  const first = (await info()).logStart
  console.log(`saved midnights ready ${buildS.toFixed(0)} s after start; ${statesMB.toFixed(1)} MB on disk; the log begins ${new Date(first).toISOString()}`)

  // 2. Seek.
  const idle = proc(server.pid!)
  const a = screen()
  await new Promise<void>((r) => a.c.socket.once('connect', () => r()))
  const rnd = createRandom('bench-replay')
  const moment = () => Math.round(first + rnd.next() * (Date.now() - 60_000 - first))
  let at = moment()
  let t = performance.now()
  const started = a.c.command({ op: 'start', at, speed: 3600, play: false })
  await Promise.all([started, a.shown(at)])
  const startMs = performance.now() - t
  const opened = proc(server.pid!)
  const seeks: number[] = []
  const cpu0 = (await info()).sessions[0].cpuMs!
  for (let i = 0; i < SEEKS; i++) {
    at = moment()
    t = performance.now()
    const shown = a.shown(at)
    const ack = await a.c.command({ op: 'seek', at })
    if (!ack.ok) throw new Error(ack.error)
    await shown
    seeks.push(performance.now() - t)
  }
  const cpuPerSeek = ((await info()).sessions[0].cpuMs! - cpu0) / SEEKS
  const seek = { median: +median(seeks).toFixed(0), p99: +percentile(seeks, 99).toFixed(0), max: +Math.max(...seeks).toFixed(0), cpuMsMean: +cpuPerSeek.toFixed(0) }
  console.log(`replay start (worker, seek, first frame): ${startMs.toFixed(0)} ms; seek over ${SEEKS} random moments: median ${seek.median} ms, p99 ${seek.p99} ms, ` +
    `max ${seek.max} ms (command → snapshot on the screen); the replay thread's CPU per seek ${seek.cpuMsMean} ms`)

  // 3. Playback at 3,600×, from a busy afternoon. The server's CPU is read first with the replay paused
  // (heartbeats only), then playing: the difference is what playing costs the whole process.
  const from = Date.now() - 30 * 86_400_000
  await a.c.command({ op: 'seek', at: from })
  let p0 = proc(server.pid!)
  await sleep(SECONDS * 1000)
  const pausedCore = cpuPercent(p0, proc(server.pid!)) / 100
  const s0 = (await info()).sessions[0]
  p0 = proc(server.pid!)
  const f0 = a.frames.count
  await a.c.command({ op: 'play' })
  await sleep(SECONDS * 1000)
  await a.c.command({ op: 'pause' })
  const s1 = (await info()).sessions[0]
  let p1 = proc(server.pid!)
  const fps = (a.frames.count - f0) / SECONDS
  const replayCore = (s1.cpuMs! - s0.cpuMs!) / (SECONDS * 1000)
  const sessionCore = cpuPercent(p0, p1) / 100 - pausedCore
  const playback = {
    framesPerSecond: +fps.toFixed(1), replayThreadCore: +replayCore.toFixed(3), sessionServerCore: +sessionCore.toFixed(3),
    serverCpuPercent: +cpuPercent(p0, p1).toFixed(1), pausedServerCpuPercent: +(100 * pausedCore).toFixed(1),
    replayedHours: +((a.c.frameAt! - from) / 3_600_000).toFixed(1),
    rssAddedMB: +((opened.rss - idle.rss) / 1048576).toFixed(1), heapMB: s1.heapMB, stateMB: s1.stateMB,
  }
  console.log(`playback at 3,600× for ${SECONDS} s: ${playback.framesPerSecond} frames/s on the screen, replay thread ${(100 * replayCore).toFixed(1)} % of a core, ` +
    `server process ${playback.serverCpuPercent} % playing against ${playback.pausedServerCpuPercent} % paused (the session: ${(100 * sessionCore).toFixed(1)} %); ` +
    `a replay adds ${playback.rssAddedMB} MB RSS (heap ${playback.heapMB} MB, arrays ${playback.stateMB} MB)`)

  // 2 and 3 on the wall in Chromium (the replay above stays paused meanwhile): an ordinary afternoon and the
  // rainstorm night, the busiest hours of the history (when the history reaches back to it).
  const wallMoments = Array.from({ length: SEEKS + 1 }, moment)
  const plays: Record<string, number> = { afternoon: from + SECONDS * 3_600_000 }
  if (RAINSTORM_START >= first) plays.rainstorm = RAINSTORM_START
  const w = await onTheWall(base, controlKey, wallMoments, plays, SECONDS)
  const wall = {
    seek: { median: +median(w.seekMs).toFixed(0), p99: +percentile(w.seekMs, 99).toFixed(0), max: +Math.max(...w.seekMs).toFixed(0) },
    seekMs: w.seekMs.map((x) => +x.toFixed(1)), playback: w.playback,
    framesPerSecond: Math.min(...Object.values(w.playback).map((p) => p.framesPerSecond)),
  }
  console.log(`on the wall (Chromium, wall control): seek median ${wall.seek.median} ms, p99 ${wall.seek.p99} ms, max ${wall.seek.max} ms; 3,600×: ` +
    Object.entries(w.playback).map(([k, p]) => `${k} ${p.framesPerSecond} frames/s (${p.replayedHours} h shown)`).join(', '))

  // 4. Live screens with and without REPLAYS replays playing (the first one is the screen above).
  const clients = fork('bench/live/clients.ts', [], {
    execArgv: TSX, env: { ...process.env, URL: base, MODE: 'live', CLIENTS: String(SCREENS), MEASURE: '100', SCOPES: JSON.stringify(streets) },
  })
  reapOnExit(clients)
  await message(clients, 'ready')
  const replays = [a]
  for (let i = 1; i < REPLAYS; i++) {
    const x = screen()
    await new Promise<void>((r) => x.c.socket.once('connect', () => r()))
    const ack = await x.c.command({ op: 'start', at: Date.now() - (30 + 10 * i) * 86_400_000, speed: 3600, play: false })
    if (!ack.ok) throw new Error(ack.error)
    replays.push(x)
  }
  type ClientStats = { latency: LatencySummary; districtDelivery: LatencySummary; frameGap: LatencySummary; frames: number }
  const clientStats = async () => {
    const p = message<ClientStats>(clients, 'stats')
    clients.send({ type: 'report' })
    return p
  }
  const cpuOfReplays = async () => (await info()).sessions.reduce((t, x) => t + x.cpuMs!, 0)
  const phase = async (playing: boolean) => {
    if (playing) for (const x of replays) await x.c.command({ op: 'play' })
    const driver = fork('bench/live/driver.ts', [], { execArgv: TSX, env: { ...process.env, BASE: base, KEY: key, RATE: '100', SECONDS: String(SECONDS), DB } })
    const [started, done] = [message(driver, 'started'), message(driver, 'done', (SECONDS + 60) * 1000)]
    // Measured while the reports flow: from a second after the first batch to the last.
    await started
    await sleep(1000)
    await clientStats()
    const r0 = await cpuOfReplays()
    p0 = proc(server.pid!)
    await done
    p1 = proc(server.pid!)
    const r1 = await cpuOfReplays()
    const st = await clientStats()
    if (playing) for (const x of replays) await x.c.command({ op: 'pause' })
    const secs = (p1.at - p0.at) / 1000
    const r = {
      replays: playing ? replays.length : 0, latency: st.latency, districtDelivery: st.districtDelivery, frameGap: st.frameGap,
      framesPerScreenPerSec: +(st.frames / SCREENS / secs).toFixed(2), serverCpuPercent: +cpuPercent(p0, p1).toFixed(1),
      replayThreadsCore: +((r1 - r0) / (p1.at - p0.at)).toFixed(3),
    }
    console.log(`live, ${r.replays} replays: event→screen p50 ${r.latency.p50} p99 ${r.latency.p99} ms, tick→district p99 ${r.districtDelivery.p99} ms, ` +
      `frame gap p50/p99/max ${r.frameGap.p50}/${r.frameGap.p99}/${r.frameGap.max} ms, ${r.framesPerScreenPerSec} frames/screen/s, ` +
      `server ${r.serverCpuPercent} % (the replay threads ${(100 * r.replayThreadsCore).toFixed(1)} %)`)
    return r
  }
  const phases: Awaited<ReturnType<typeof phase>>[] = []
  for (let i = 0; i < REPEAT; i++) phases.push(await phase(false), await phase(true))
  const summary = (playing: boolean) => {
    const ps = phases.filter((p) => p.replays > 0 === playing)
    const m = (f: (p: (typeof ps)[number]) => number) => median(ps.map(f))
    return {
      p50: m((p) => p.latency.p50), p99: m((p) => p.latency.p99), districtP99: m((p) => p.districtDelivery.p99),
      frameGapP50: m((p) => p.frameGap.p50), frameGapP99: m((p) => p.frameGap.p99), frameGapMax: m((p) => p.frameGap.max),
      framesPerScreenPerSec: m((p) => p.framesPerScreenPerSec), serverCpuPercent: m((p) => p.serverCpuPercent),
    }
  }
  const live = { replays: replays.length, without: summary(false), with: summary(true) }
  // What each replay adds to the server while the live screens are served (all threads of the process).
  const perReplayCore = +((live.with.serverCpuPercent - live.without.serverCpuPercent) / 100 / replays.length).toFixed(3)

  for (const x of replays) x.c.dispose()
  await stop(clients)
  await stop(server, true, 15_000)
  const result = {
    at: new Date().toISOString(), loadAverage: loadAverage(), seeks: SEEKS, seconds: SECONDS, repeat: REPEAT, screens: SCREENS,
    states: { readyAfterStartS: +buildS.toFixed(0), diskMB: +statesMB.toFixed(1), rebuilt: !!process.env.BENCH_FRESH_STATES || undefined },
    startMs: +startMs.toFixed(0), seek, seekMs: seeks.map((x) => +x.toFixed(1)), playback, wall, live: { ...live, perReplayCore }, phases,
    targets: { seekP99Ms: 1000, framesPerSecond: 10, sessionCore: 1 / 3 },
  }
  mkdirSync('bench/results', { recursive: true })
  writeFileSync('bench/results/replay.json', JSON.stringify(result, null, 2) + '\n')
  const core = Math.max(playback.sessionServerCore, playback.replayThreadCore)
  const worstSeek = Math.max(seek.p99, wall.seek.p99)
  const fpsLow = Math.min(playback.framesPerSecond, wall.framesPerSecond)
  console.log(`\nseek p99 ${seek.p99} ms on the screen, ${wall.seek.p99} ms on the wall (target ≤ 1000): ${worstSeek <= 1000 ? 'met' : 'NOT met'}; ` +
    `playback ${playback.framesPerSecond} frames/s on the screen, ${wall.framesPerSecond} on the wall, the slower of its plays (≥ 10): ${fpsLow >= 10 ? 'met' : 'NOT met'}; a session ${(100 * core).toFixed(1)} % of a core (≤ 33 %): ${core <= 1 / 3 ? 'met' : 'NOT met'}`)
  console.log(`live p50/p99 without replays ${live.without.p50}/${live.without.p99} ms, with ${replays.length} at 3,600× ${live.with.p50}/${live.with.p99} ms; ` +
    `frame gap p99 ${live.without.frameGapP99} vs ${live.with.frameGapP99} ms; frames/screen/s ${live.without.framesPerScreenPerSec} vs ${live.with.framesPerScreenPerSec}; ` +
    `${(100 * perReplayCore).toFixed(1)} % of a core per replay; load average ${result.loadAverage.join(' ')}`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
