// Where a wall seek's time goes (a diagnostic script, not a test): the bench's wall (bench/replay/wall.ts) on
// its own server, and for each seek the moments on one clock (the machine's, ms):
//   req    the control's POST leaves,            resp   its answer comes back (the snapshot has been sent),
//   recv   the page's WebSocket gets a frame,    set    the page's frameAt first equals the moment (rAF loop),
//   shown  waitForFunction(polling raf) resolves in this process,
// and the page's long animation frames (LoAF, with the scripts that ran in them) and long tasks between req and
// shown. PROBE_SEEKS (30), PROBE_TRACE=1 records a Chromium trace of the first seeks (PROBE_TRACE_SEEKS, 8) to bench/results/probe-trace.tmp.
// Run: flock /tmp/bench.lock npx tsx bench/replay/probe.ts
import { fork } from 'node:child_process'
import { createServer } from 'node:net'
import { writeFileSync } from 'node:fs'
import { historyCopy, proc, reapOnExit, stop, waitHealthy } from '../child'
import { createRandom } from '../../shared/random'
import { ensureClientBuilt, openBrowser } from '../../test/e2e/harness'
import { WALL, wallSetup } from './wall'

const SEEKS = Number(process.env.PROBE_SEEKS ?? 30)
const DB = 'data/bench-replay.db'
const now = () => performance.timeOrigin + performance.now()

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise((r) => s.close(r))
  return port
}

// In the page before any script: when each WebSocket message arrives, when frameAt changes (checked at every
// animation frame, as the bench's waitForFunction does), and the long animation frames and long tasks.
const PAGE_PROBE = () => {
  const p = { recv: [] as { t: number; n: number }[], set: [] as { t: number; at: number }[], loaf: [] as unknown[], long: [] as { t: number; d: number }[], raf: [] as number[], takeover: [] as { t: number; on: boolean }[], map: [] as { t: number; s: string }[], anchor: 0 }
  // Trace clock ↔ this clock: the mark's trace timestamp is this moment.
  p.anchor = performance.timeOrigin + performance.mark('probe-anchor').startTime
  ;(window as unknown as { __probe: typeof p }).__probe = p
  const T = () => performance.timeOrigin + performance.now()
  const WS = window.WebSocket
  window.WebSocket = class extends WS {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols)
      // Registered before socket.io's own handler: runs first, when the main thread takes the message.
      this.addEventListener('message', (e) => {
        const r = { t: T(), n: typeof e.data === 'string' ? e.data.length : (e.data as ArrayBuffer).byteLength }
        p.recv.push(r)
        // Named by this clock's time, so a trace (another clock) can be lined up with it.
        if (r.n > 1000) performance.mark(`probe-recv-${r.t.toFixed(1)}`)
      })
    }
  }
  let last: number | null = null
  const loop = (ts: number) => {
    const at = (window as unknown as { __onescreen?: { live?: () => { frameAt: number | null } } }).__onescreen?.live?.().frameAt ?? null
    if (at !== last) (last = at), at !== null && p.set.push({ t: T(), at })
    p.raf.push(performance.timeOrigin + ts)
    const ms = (window as unknown as { __onescreen?: { mapState?: () => { level: number; loaded: boolean } } }).__onescreen?.mapState?.()
    const mk = ms ? `${ms.level}${ms.loaded ? 'L' : '-'}` : ''
    if (mk !== (p.map.at(-1)?.s ?? '')) p.map.push({ t: T(), s: mk })
    const on = !!document.querySelector('[data-testid=takeover]')
    if (on !== (p.takeover.at(-1)?.on ?? false)) p.takeover.push({ t: performance.timeOrigin + ts, on })
    if (p.raf.length > 20000) p.raf.splice(0, 10000)
    requestAnimationFrame(loop)
  }
  requestAnimationFrame(loop)
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) {
      const j = e.toJSON() as Record<string, unknown> & { scripts?: Record<string, unknown>[] }
      p.loaf.push({
        t: performance.timeOrigin + e.startTime, d: e.duration, blocking: j.blockingDuration, renderStart: performance.timeOrigin + (j.renderStart as number),
        styleAndLayoutStart: performance.timeOrigin + (j.styleAndLayoutStart as number),
        scripts: (j.scripts ?? []).map((s) => ({
          t: performance.timeOrigin + (s.startTime as number), d: s.duration, invoker: s.invoker, type: s.invokerType, fn: s.sourceFunctionName,
          url: String(s.sourceURL ?? '').replace(/^.*\//, ''), pos: s.sourceCharPosition, layout: s.forcedStyleAndLayoutDuration,
        })),
      })
    }
  }).observe({ type: 'long-animation-frame', buffered: true })
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) p.long.push({ t: performance.timeOrigin + e.startTime, d: e.duration })
  }).observe({ type: 'longtask', buffered: true })
}

async function main() {
  const { streets } = await historyCopy('data/bench.db', DB, 'probe', 'import')
  void streets
  const wallsFile = 'data/bench-replay-walls.json'
  const key = wallSetup(DB, wallsFile)
  await ensureClientBuilt()
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const env = {
    ...process.env, PORT: String(port), HOST: '127.0.0.1', ONESCREEN_DB: DB, ONESCREEN_DEMO: 'true', ONESCREEN_DEMO_SPEED: '0',
    ONESCREEN_WALLS: wallsFile, LOG_LEVEL: 'warn', ONESCREEN_RATE_KEY_MAX: '100000000', ONESCREEN_RATE_MAX: '100000000',
  }
  const server = fork('server/main.ts', [], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  reapOnExit(server)
  await waitHealthy(base)
  type Info = { logStart: number; service: { building: boolean; lastDay: number | null } }
  const info = async () => (await (await fetch(`${base}/api/replay`)).json()) as Info
  const settled = Math.floor((Date.now() - 3_600_000 + 8 * 3_600_000) / 86_400_000)
  for (let s = await info(); s.service.building || (s.service.lastDay ?? 0) < settled; s = await info()) await new Promise((r) => setTimeout(r, 1000))
  const first = (await info()).logStart
  // The bench's moments: its screen part draws 101 before the wall's.
  const rnd = createRandom('bench-replay')
  const moment = () => Math.round(first + rnd.next() * (Date.now() - 60_000 - first))
  for (let i = 0; i < 101; i++) moment()
  const moments = Array.from({ length: SEEKS + 1 }, moment)

  const b = await openBrowser(1920, 1080)
  // tsx keeps function names with a helper the page does not have.
  await b.context.addInitScript('window.__name = (f) => f')
  await b.context.addInitScript(PAGE_PROBE)
  const control = async (body: Record<string, unknown>) => {
    const res = await fetch(`${base}/api/walls/${WALL}/replay`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`)
  }
  const shown = (at: number) => b.page.waitForFunction((t) => window.__onescreen?.live?.().frameAt === t, at, { polling: 'raf', timeout: 30_000 })
  const iso = (t: number) => new Date(t).toISOString()
  const seeks: { i: number; req: number; resp: number; shown: number; serverCpu: number; sessionCpu: number }[] = []
  // The server process's CPU (all threads) and the replay session's thread, for one seek.
  const sessionCpu = async () => ((await (await fetch(`${base}/api/replay`)).json()) as { sessions: { cpuMs: number }[] }).sessions[0]?.cpuMs ?? 0
  try {
    const { page } = b
    const t0 = now()
    await page.goto(`${base}/wall/${WALL}`)
    await page.waitForFunction(() => window.__onescreen?.live?.().status === 'live' && (window.__onescreen?.mapState?.().coloured ?? 0) > 0, undefined, { timeout: 120_000 })
    const ready = now()
    ;(globalThis as { ready?: number }).ready = ready
    console.log(`wall live and coloured ${(ready - t0).toFixed(0)} ms after goto`)
    if (process.env.PROBE_WAIT) await new Promise((r) => setTimeout(r, Number(process.env.PROBE_WAIT)))
    // A persistent context has no Browser object: the trace goes through the page's CDP session.
    const cdp = process.env.PROBE_TRACE ? await b.context.newCDPSession(page) : null
    const events: unknown[] = []
    const traced = new Promise<void>((r) => cdp?.on('Tracing.tracingComplete', () => r()))
    cdp?.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown[])))
    await cdp?.send('Tracing.start', {
      transferMode: 'ReportEvents',
      traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'v8.execute', 'blink.user_timing', 'disabled-by-default-devtools.timeline', 'gpu', 'viz', 'cc', 'benchmark', 'net', 'netlog', 'disabled-by-default-network'] },
    })
    let p0 = proc(server.pid!)
    let req = now()
    await control({ op: 'start', at: iso(moments[0]), speed: 3600, play: false })
    let resp = now()
    let p1 = proc(server.pid!)
    await shown(moments[0])
    seeks.push({ i: -1, req, resp, shown: now(), serverCpu: p1.cpuMs - p0.cpuMs, sessionCpu: await sessionCpu() })
    for (const [i, at] of moments.slice(1).entries()) {
      const c0 = await sessionCpu()
      p0 = proc(server.pid!)
      req = now()
      await control({ op: 'seek', at: iso(at) })
      resp = now()
      p1 = proc(server.pid!)
      await shown(at)
      seeks.push({ i, req, resp, shown: now(), serverCpu: p1.cpuMs - p0.cpuMs, sessionCpu: (await sessionCpu()) - c0 })
      if (i === Number(process.env.PROBE_TRACE_SEEKS ?? 8) && cdp) {
        await cdp.send('Tracing.end')
        await traced
        writeFileSync('bench/results/probe-trace.tmp', JSON.stringify({ traceEvents: events }))
      }
    }
    type Probe = { recv: { t: number; n: number }[]; set: { t: number; at: number }[]; loaf: { t: number; d: number; renderStart: number; blocking: number; styleAndLayoutStart: number; scripts: { t: number; d: number; invoker: string; type: string; fn: string; url: string; pos: number; layout: number }[] }[]; long: { t: number; d: number }[] }
    const p = (await page.evaluate(() => (window as unknown as { __probe: unknown }).__probe)) as Probe
    const rows = []
    for (const s of seeks) {
      const recv = p.recv.filter((r) => r.t >= s.req && r.t <= s.shown && r.n > 1000)
      const set = p.set.find((x) => x.t >= s.req && x.t <= s.shown + 5)
      const loafs = p.loaf.filter((l) => l.t + l.d >= s.req && l.t <= s.shown)
      const r = (x: number | undefined) => (x === undefined ? '-' : (x - s.req).toFixed(0))
      rows.push({ i: s.i, total: +(s.shown - s.req).toFixed(0), resp: +(s.resp - s.req).toFixed(0), srvCpu: s.serverCpu, sessCpu: s.sessionCpu, recv: r(recv[0]?.t), bytes: recv[0]?.n, set: r(set?.t), loafMs: +loafs.reduce((a, l) => a + l.d, 0).toFixed(0) })
      if (s.shown - s.req > Number(process.env.PROBE_SHOW ?? 300) || s.i < 3) {
        console.log(`seek ${s.i}: ${(s.shown - s.req).toFixed(0)} ms; resp +${r(s.resp)}, recv ${recv.map((x) => `+${r(x.t)}(${x.n}B)`).join(' ')}, set +${r(set?.t)}`)
        for (const l of loafs)
          console.log(`   LoAF +${r(l.t)} ${l.d.toFixed(0)} ms (render +${r(l.renderStart)}, style +${r(l.styleAndLayoutStart)}) ` +
            l.scripts.map((x) => `[${x.type} ${x.invoker} ${x.fn}@${x.url}:${x.pos} +${r(x.t)} ${x.d.toFixed(0)}ms${x.layout ? ` layout ${x.layout.toFixed(0)}` : ''}]`).join(' '))
      }
    }
    console.table(rows)
    writeFileSync('bench/results/probe.tmp', JSON.stringify({ seeks, probe: p }, null, 1))
  } finally {
    await b.close()
    await stop(server, true, 15_000)
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
