// npm run bench:fanout — the scaled-out layout under load, every part its own process on this machine:
// redis-server · a writer on a copy of the 289k-case history · up to three live processes following it ·
// screens (bench/live/clients) · the ingest driver (bench/live/driver, RATE events/s, half reports, half
// workflow steps) · and, for the comparison, one embedded process on another copy with the same screens.
//   1. The writer's CPU per ingested event with 0, 1 and 3 live processes following it, and with 3 following
//      and SCREENS screens on them (the writer's cost must not grow with the screens).
//   2. Event→screen latency through a live process against one embedded process, in alternating phases.
//   3. How many screens one live process holds with p99 under 500 ms: screens added STEP at a time.
// Writes bench/results/fanout.json. BENCH_SECONDS per phase (default 15).
import { fork, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import type { LatencySummary } from './live/histogram'
import { historyCopy, loadAverage, machineCpuMs, message, proc, settle, sleep, stop } from './child'
import { median } from './stats'
import { freePort, startOneScreen, startRedis, type Service } from '../server/scale/services'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15)
const RATE = Number(process.env.BENCH_RATE ?? 100)
const SCREENS = Number(process.env.BENCH_SCREENS ?? 1000)
const STEP = Number(process.env.BENCH_STEP ?? 1000)
const MAX_SCREENS = Number(process.env.BENCH_MAX_SCREENS ?? 8000)
const REPEAT = Number(process.env.BENCH_REPEAT ?? 2)
const P99_LIMIT = 500
const BASE_DB = process.env.BENCH_DB ?? 'data/bench.db'
const DIR = 'data/bench-fanout'
const TSX = ['--import', 'tsx']
const cpuMs = (pid: number) => proc(pid).cpuMs

interface Screens { child: ChildProcess; connected: number }
interface ClientStats { latency: LatencySummary; frames: number; bytes: number; gaps: number; connected: number }

async function screensOn(base: string, count: number, measure: number, streets: string[]): Promise<Screens> {
  const child = fork('bench/live/clients.ts', [], {
    execArgv: TSX, env: { ...process.env, URL: base, MODE: 'live', CLIENTS: String(count), MEASURE: String(measure), SCOPES: JSON.stringify(streets) },
  })
  return { child, connected: (await message<{ connected: number }>(child, 'ready')).connected }
}
async function stats(s: Screens): Promise<ClientStats> {
  const p = message<ClientStats>(s.child, 'stats')
  s.child.send({ type: 'report' })
  return p
}
async function main() {
  mkdirSync(DIR, { recursive: true })
  const copies = { writer: `${DIR}/writer.db`, single: `${DIR}/single.db` }
  const { key: writerKey, streets } = await historyCopy(BASE_DB, copies.writer, 'bench driver', 'import')
  const { key: singleKey } = await historyCopy(BASE_DB, copies.single, 'bench driver', 'import')
  const keys = { writer: writerKey, single: singleKey }

  const common = { ONESCREEN_DEMO: 'true', ONESCREEN_DEMO_SPEED: '0', LOG_LEVEL: 'warn', ONESCREEN_RATE_KEY_MAX: '100000000', ONESCREEN_RATE_MAX: '100000000' }
  const redis = await startRedis(await freePort(), { dir: DIR })
  const cluster = { ...common, ONESCREEN_REDIS_URL: `redis://127.0.0.1:${redis.port}`, ONESCREEN_CLUSTER_SECRET: randomBytes(18).toString('base64url') }
  const writerPort = await freePort()
  const writer = await startOneScreen('writer', writerPort, { ...cluster, ONESCREEN_ROLE: 'writer', ONESCREEN_DB: copies.writer }, { timeoutMs: 600_000 })
  const writerUrl = `http://127.0.0.1:${writerPort}`
  const live: Service[] = []
  const services: Service[] = [redis, writer]
  const head = async () => ((await (await fetch(`${writerUrl}/api/health`)).json()) as { events: number }).events
  const liveHealth = async (s: Service) => (await (await fetch(`http://127.0.0.1:${s.port}/api/health`)).json()) as { lastEventId: number; hub: { sockets: number } }
  async function addLive() {
    const s = await startOneScreen(`live${live.length + 1}`, await freePort(), { ...cluster, ONESCREEN_ROLE: 'live', ONESCREEN_WRITER_URL: writerUrl })
    live.push(s)
    services.push(s)
    const h = await head()
    while ((await liveHealth(s)).lastEventId < h) await sleep(200)
  }
  const drive = async (base: string, key: string, file: string) => {
    const driver = fork('bench/live/driver.ts', [], {
      execArgv: TSX, env: { ...process.env, BASE: base, KEY: key, RATE: String(RATE), SECONDS: String(SECONDS), DB: file },
    })
    return message<{ acked: number; failed: number; eventsPerSec: number }>(driver, 'done', (SECONDS + 120) * 1000)
  }
  /** Run the driver against `base`; CPU (ms) each watched process used meanwhile, per ingested event. */
  async function measured(base: string, key: string, file: string, watch: Service[]) {
    const before = watch.map((s) => cpuMs(s.child.pid!))
    const m0 = machineCpuMs()
    const t0 = performance.now()
    const done = await drive(base, key, file)
    await sleep(1000) // the last frames land
    const secs = (performance.now() - t0) / 1000
    const m1 = machineCpuMs()
    const used = watch.map((s, i) => cpuMs(s.child.pid!) - before[i])
    return {
      events: done.acked, failed: done.failed, perEventMs: used.map((u) => +(u / Math.max(1, done.acked)).toFixed(3)),
      cpuPercent: used.map((u) => +((u / 10) / secs).toFixed(1)),
      /** The whole machine (both cores: 200 % is all of it), everything on it included. */
      machinePercent: +((200 * (m1.busy - m0.busy)) / Math.max(1, m1.total - m0.total)).toFixed(0),
    }
  }

  // ---- 1. the writer's cost per event, by followers and screens ----------------------------------------
  const writerIdle = await settle(writer.child.pid!)
  console.log(`writer settled: ${writerIdle.toFixed(1)} % of a core while idle`)
  const writerCost: { followers: number; screens: number; writerMsPerEvent: number; writerCpuPercent: number; redisMsPerEvent: number; liveMsPerEvent: number[]; events: number; machinePercent: number }[] = []
  const phase1Screens: Screens[] = []
  for (const followers of [0, 1, 3, 3]) {
    while (live.length < followers) await addLive()
    const withScreens = writerCost.some((c) => c.followers === 3)
    if (withScreens) for (const l of live) phase1Screens.push(await screensOn(`http://127.0.0.1:${l.port}`, Math.round(SCREENS / live.length), 0, streets))
    const screens = phase1Screens.reduce((n, s) => n + s.connected, 0)
    await sleep(2000)
    const m = await measured(writerUrl, keys.writer, copies.writer, [writer, redis, ...live])
    const row = {
      followers, screens, events: m.events, writerMsPerEvent: m.perEventMs[0], writerCpuPercent: m.cpuPercent[0],
      redisMsPerEvent: m.perEventMs[1], liveMsPerEvent: m.perEventMs.slice(2), machinePercent: m.machinePercent,
    }
    writerCost.push(row)
    console.log(`writer with ${followers} live process(es) and ${screens} screens: ${row.writerMsPerEvent} ms CPU per event (${row.writerCpuPercent} % at ${RATE}/s); Redis ${row.redisMsPerEvent} ms; live ${row.liveMsPerEvent.join(' / ')} ms per event; machine ${row.machinePercent} % of 200`)
  }
  for (const s of phase1Screens) await stop(s.child)

  // ---- 2. event→screen through a live process against one embedded process ----------------------------
  const singlePort = await freePort()
  const single = await startOneScreen('single', singlePort, { ...common, ONESCREEN_DB: copies.single }, { timeoutMs: 600_000 })
  services.push(single)
  console.log(`embedded process settled: ${(await settle(single.child.pid!)).toFixed(1)} % of a core while idle`)
  const singleUrl = `http://127.0.0.1:${singlePort}`
  const viaLive = await screensOn(`http://127.0.0.1:${live[0].port}`, SCREENS, 100, streets)
  const viaSingle = await screensOn(singleUrl, SCREENS, 100, streets)
  const compare: { path: 'live' | 'single'; latency: LatencySummary; cpuPercent: number[]; machinePercent: number }[] = []
  for (let r = 0; r < REPEAT; r++)
    for (const path of ['live', 'single'] as const) {
      const scr = path === 'live' ? viaLive : viaSingle
      await stats(scr)
      const m = path === 'live'
        ? await measured(writerUrl, keys.writer, copies.writer, [writer, live[0], redis])
        : await measured(singleUrl, keys.single, copies.single, [single])
      const s = await stats(scr)
      compare.push({ path, latency: s.latency, cpuPercent: m.cpuPercent, machinePercent: m.machinePercent })
      console.log(`${path === 'live' ? 'through a live process' : 'one embedded process '} (${scr.connected} screens, ${RATE}/s): p50 ${s.latency.p50} p99 ${s.latency.p99} max ${s.latency.max} ms; CPU % ${m.cpuPercent.join(' / ')}${path === 'live' ? ' (writer / live / Redis)' : ''}; machine ${m.machinePercent} % of 200`)
    }
  await stop(viaLive.child)
  await stop(viaSingle.child)
  await single.stop()

  // ---- 3. screens one live process holds ------------------------------------------------------------------
  for (const l of live.splice(1)) await l.stop() // one live process; the others leave the cores to it
  const target = live[0]
  const capacity: {
    screens: number; latency: LatencySummary; liveCpuPercent: number; liveRssMB: number; connected: number; clientsCpuPercent: number; machinePercent: number
    /** What one screen received (frames and bytes per second, the first STEP screens' average). */
    framesPerScreenPerSec: number; bytesPerScreenPerSec: number
  }[] = []
  const groups: Screens[] = []
  for (let n = STEP; n <= MAX_SCREENS; n += STEP) {
    groups.push(await screensOn(`http://127.0.0.1:${target.port}`, STEP, groups.length === 0 ? 100 : 0, streets))
    const connected = groups.reduce((k, g) => k + g.connected, 0)
    await sleep(2000)
    await stats(groups[0])
    const clients = groups.map((g) => ({ pid: g.child.pid!, ms: cpuMs(g.child.pid!) }))
    const t0 = performance.now()
    const m = await measured(writerUrl, keys.writer, copies.writer, [target])
    const clientsCpuPercent = +(clients.reduce((k, c) => k + cpuMs(c.pid) - c.ms, 0) / 10 / ((performance.now() - t0) / 1000)).toFixed(0)
    const s = await stats(groups[0])
    const row = {
      screens: n, connected, latency: s.latency, liveCpuPercent: m.cpuPercent[0], liveRssMB: +(proc(target.child.pid!).rss / 1e6).toFixed(0),
      clientsCpuPercent, machinePercent: m.machinePercent,
      framesPerScreenPerSec: +(s.frames / groups[0].connected / SECONDS).toFixed(2), bytesPerScreenPerSec: Math.round(s.bytes / groups[0].connected / SECONDS),
    }
    capacity.push(row)
    console.log(`one live process, ${connected} screens: p50 ${s.latency.p50} p99 ${s.latency.p99} max ${s.latency.max} ms; CPU ${row.liveCpuPercent} %; RSS ${row.liveRssMB} MB; the screens' processes ${clientsCpuPercent} %; machine ${m.machinePercent} % of 200; a screen got ${row.framesPerScreenPerSec} frames, ${row.bytesPerScreenPerSec} B a second`)
    if (s.latency.p99 >= P99_LIMIT || connected < n * 0.98) break
  }
  for (const g of groups) await stop(g.child)
  for (const s of [...services].reverse()) await s.stop()

  const held = capacity.filter((c) => c.latency.p99 < P99_LIMIT && c.connected >= c.screens * 0.98)
  const summary = (path: 'live' | 'single') => {
    const xs = compare.filter((c) => c.path === path).map((c) => c.latency)
    return { p50: median(xs.map((l) => l.p50)), p99: median(xs.map((l) => l.p99)), max: median(xs.map((l) => l.max)) }
  }
  const result = {
    at: new Date().toISOString(), seconds: SECONDS, rate: RATE, screens: SCREENS, loadAverage: loadAverage(), cores: 2,
    writerIdlePercent: +writerIdle.toFixed(1), writerCost, latency: { live: summary('live'), single: summary('single'), runs: compare },
    capacity: { heldWithP99Under500ms: held.length ? held[held.length - 1].screens : 0, reachedLimit: capacity.length > held.length, steps: capacity },
  }
  mkdirSync('bench/results', { recursive: true })
  writeFileSync('bench/results/fanout.json', JSON.stringify(result, null, 2) + '\n')
  console.log(`\nload average ${result.loadAverage.join(' ')} (2 cores, shared)`)
  console.log(`writer CPU per event: ${writerCost.map((c) => `${c.followers} live/${c.screens} screens ${c.writerMsPerEvent} ms`).join(' · ')}`)
  console.log(`event→screen p50/p99: through a live process ${result.latency.live.p50}/${result.latency.live.p99} ms, one process ${result.latency.single.p50}/${result.latency.single.p99} ms`)
  console.log(`one live process held ${result.capacity.heldWithP99Under500ms} screens with p99 < ${P99_LIMIT} ms${result.capacity.reachedLimit ? '' : ` (stopped at BENCH_MAX_SCREENS=${MAX_SCREENS})`}`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
