// npm run bench:client [-- --minutes 10 --speed 50 --cases 289000 --runs 5]
//
// The wall in Debian Chromium against the real server (a child process, as `npm start` runs it, on a temp
// database seeded with the full history and the demo simulator at --speed× real time):
//   size     initial JS + CSS the page loads for `/` (and the map worker), gzip -6 of each file;
//   first    time from navigation to the first live frame on screen, median of --runs fresh profiles;
//            baseline: a raw socket.io-client in Node subscribing to the same scope and receiving its snapshot;
//   delta    script time to apply a delta touching all 6,281 micro grids (decode + scatter + recolour), with
//            the micro grids on screen (worst case) and at the district view; baseline: raw MapLibre
//            setFeatureState on every micro grid (what a naive client does per delta);
//   heap     JS heap after forced GC before and after --minutes of live data at --speed×, sampled each minute;
//   leaks    at the end: live intervals, pending timeouts (counted by an init script around the page's timer
//            functions), chart and map instances, DOM nodes and listeners;
//   wall8k   the example 4×2 wall at 7680×2160 (one canvas per screen the map spans): first live frame, and a
//            delta's script cost over every map piece (`--only wall8k` runs just this, a few minutes);
//   skew     a 2×1 wall in two browsers of 1920×1080: for each live frame both applied, how far apart they
//            applied it, over --skew seconds of live data (default 180) from the moment both pages are settled
//            (`--only skew` runs just this; bench/client/skew.ts says what counts).
// Results go to bench/results/client.json (client-wall8k.json / client-skew.json with --only).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { io } from 'socket.io-client'
import type { Page } from 'playwright-core'
import { openDb } from '../server/db'
import { ensureSeeded } from '../fixtures/seed'
import { DISTRICT_CODE } from '../shared/grid'
import { EVENTS, LIVE_NAMESPACE } from '../shared/protocol'
import { liveParser } from '../shared/socket-parser'
import { ensureClientBuilt, openBrowser, ROOT } from '../test/e2e/harness'
import { median } from './stats'
import { measureDelta } from './client/delta'
import { measureWall8k } from './client/wall'
import { measureSkew, wallsFile } from './client/skew'

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    speed: { type: 'string', default: '50' },
    cases: { type: 'string', default: '289000' },
    runs: { type: 'string', default: '5' },
    port: { type: 'string', default: '3921' },
    only: { type: 'string' },
    skew: { type: 'string', default: '180' },
  },
})
const MINUTES = Number(args.minutes)
const SPEED = Number(args.speed)
const RUNS = Number(args.runs)
const PORT = Number(args.port)
const URL_BASE = `http://127.0.0.1:${PORT}`

const mb = (b: number) => b / 1024 / 1024
const kb = (b: number) => b / 1024
const log = (s: string) => console.log(`[bench:client] ${s}`)

/** Counts the page's live timers from outside the app: wraps the timer functions before any script runs. */
const TIMER_PROBE = `(() => {
  const live = { intervals: new Set(), timeouts: new Set() }
  const si = window.setInterval, ci = window.clearInterval, st = window.setTimeout, ct = window.clearTimeout
  window.setInterval = function (...a) { const id = si.apply(this, a); live.intervals.add(id); return id }
  window.clearInterval = function (id) { live.intervals.delete(id); return ci.call(this, id) }
  window.setTimeout = function (fn, ...rest) {
    const id = st.call(this, typeof fn === 'function' ? function (...x) { live.timeouts.delete(id); return fn.apply(this, x) } : fn, ...rest)
    live.timeouts.add(id); return id
  }
  window.clearTimeout = function (id) { live.timeouts.delete(id); return ct.call(this, id) }
  window.__timerProbe = () => ({ intervals: live.intervals.size, timeouts: live.timeouts.size })
})()`

async function startServer(dbFile: string, walls: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, PORT: String(PORT), HOST: '127.0.0.1', ONESCREEN_DB: dbFile, ONESCREEN_DEMO: 'true',
      ONESCREEN_DEMO_SPEED: String(SPEED), LOG_LEVEL: 'warn', ONESCREEN_CLIENT_DIR: join(ROOT, 'dist/client'),
      // The example walls (the 8K figures use its 4×2 wall) and the skew's 2×1 wall.
      ONESCREEN_WALLS: walls,
      // One browser from one address asks for more than an anonymous visitor's default allowance in ten minutes.
      ONESCREEN_RATE_MAX: '100000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  for (let t = 0; t < 120; t++) {
    try {
      if ((await fetch(`${URL_BASE}/api/health`)).ok) return child
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  child.kill()
  throw new Error('server did not start')
}

async function waitLive(page: Page) {
  await page.waitForFunction(
    () => window.__onescreen?.live?.().status === 'live' && !!window.__onescreen?.mapState?.().loaded && window.__onescreen!.mapState!().coloured > 0,
    undefined,
    { timeout: 60_000, polling: 100 },
  )
}

/** JS and CSS the page loads for `/`, and their gzip sizes. */
async function measureSize() {
  const b = await openBrowser(1920, 1080)
  try {
    const files: { url: string; type: string }[] = []
    b.page.on('response', (r) => {
      const type = r.request().resourceType()
      if (['script', 'stylesheet'].includes(type) || /\.m?js$/.test(new URL(r.url()).pathname)) files.push({ url: r.url(), type })
    })
    await b.page.goto(URL_BASE + '/')
    await waitLive(b.page)
    const rows = [...new Map(files.map((f) => [f.url, f])).values()].map((f) => {
      const path = new URL(f.url).pathname
      const body = readFileSync(join(ROOT, 'dist/client', path))
      const kind = path.endsWith('.css') ? 'css' : /worker/.test(path) ? 'worker' : 'js'
      return { path, kind, raw: body.length, gzip: gzipSync(body).length }
    })
    const sum = (k: string, f: 'raw' | 'gzip') => rows.filter((r) => r.kind === k).reduce((n, r) => n + r[f], 0)
    return {
      files: rows,
      jsGzip: sum('js', 'gzip'), cssGzip: sum('css', 'gzip'), workerGzip: sum('worker', 'gzip'),
      initialGzip: sum('js', 'gzip') + sum('css', 'gzip') + sum('worker', 'gzip'),
      initialRaw: sum('js', 'raw') + sum('css', 'raw') + sum('worker', 'raw'),
    }
  } finally {
    await b.close()
  }
}

/** Navigation → first live frame on screen, in fresh browser profiles. */
async function measureFirstFrame() {
  const ms: number[] = []
  for (let k = 0; k < RUNS; k++) {
    const b = await openBrowser(1920, 1080)
    try {
      await b.page.goto(URL_BASE + '/')
      await b.page.waitForFunction(() => window.__onescreen?.firstFrameAt !== undefined, undefined, { timeout: 30_000, polling: 20 })
      ms.push(await b.page.evaluate(() => window.__onescreen!.firstFrameAt!))
    } finally {
      await b.close()
    }
  }
  return ms
}

/** Baseline: a raw Socket.IO client subscribing to the district and receiving the snapshot. */
async function measureRawSnapshot() {
  const ms: number[] = []
  for (let k = 0; k < RUNS; k++) {
    const t0 = performance.now()
    // The live namespace sends each frame as one binary message (shared/socket-parser); a client needs its parser.
    const socket = io(URL_BASE + LIVE_NAMESPACE, { transports: ['websocket'], forceNew: true, parser: liveParser })
    await new Promise<void>((resolve, reject) => {
      socket.on('connect_error', reject)
      socket.on(EVENTS.snapshot, () => resolve())
      socket.emit(EVENTS.subscribe, { scope: DISTRICT_CODE, window: 'all' }, () => {})
    })
    ms.push(performance.now() - t0)
    socket.close()
  }
  return ms
}

/** The 8K wall's figures, summarised. */
async function wall8k() {
  const w = await measureWall8k(URL_BASE, Math.min(RUNS, 3))
  const out = {
    path: '/wall/hall-4x2', size: '7680×2160', pieces: w.pieces,
    firstFrameMs: { runs: w.first, median: median(w.first), target: 2000 },
    deltaMs: { grids: w.delta.grids, onScreen: { median: median(w.delta.micro) }, districtView: { median: median(w.delta.district) }, frameAfterDelta: { median: median(w.delta.frameAfter) }, target: 8 },
    canvasWarnings: w.canvasWarnings, pageErrors: w.errors,
  }
  log(`8K wall: first live frame ${out.firstFrameMs.median.toFixed(0)} ms; delta over ${w.delta.grids} grids on ${w.pieces} map canvases ${out.deltaMs.onScreen.median.toFixed(2)} ms on screen, ${out.deltaMs.districtView.median.toFixed(2)} ms at district view`)
  return out
}

async function heapUsed(page: Page): Promise<{ heap: number; nodes: number; listeners: number }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.enable')
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
  await cdp.send('Performance.enable')
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
  await cdp.detach()
  const metric = (n: string) => metrics.find((m) => m.name === n)?.value ?? NaN
  return { heap: usedSize, nodes: metric('Nodes'), listeners: metric('JSEventListeners') }
}

async function main() {
  await ensureClientBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'onescreen-bench-client-'))
  const dbFile = join(dir, 'bench.db')
  log(`seeding ${args.cases} cases…`)
  const db = openDb(dbFile)
  const seeded = await ensureSeeded(db, { cases: Number(args.cases) })
  db.$client.close()
  log(`seeded in ${(seeded.ms / 1000).toFixed(1)} s; starting the server (demo ${SPEED}×)`)
  const server = await startServer(dbFile, wallsFile(dir))
  try {
    if (args.only === 'wall8k') {
      const wall = await wall8k()
      writeFileSync(join(ROOT, 'bench/results/client-wall8k.json'), JSON.stringify({ when: new Date().toISOString(), settings: { cases: Number(args.cases), runs: RUNS }, wall8k: wall }, null, 2) + '\n')
      return
    }
    if (args.only === 'skew') {
      const before = loadavg()
      const skew = await measureSkew(URL_BASE, Number(args.skew), log)
      const load = { start: before.map((x) => +x.toFixed(2)), end: loadavg().map((x) => +x.toFixed(2)) }
      log(`load average (1, 5, 15 min) at start ${load.start.join(' ')}, at end ${load.end.join(' ')}`)
      writeFileSync(join(ROOT, 'bench/results/client-skew.json'), JSON.stringify({ when: new Date().toISOString(), settings: { cases: Number(args.cases), speed: SPEED }, load, skew }, null, 2) + '\n')
      return
    }
    const size = await measureSize()
    log(`initial JS+CSS gzip ${kb(size.jsGzip + size.cssGzip).toFixed(0)} KB (+ map worker ${kb(size.workerGzip).toFixed(0)} KB)`)
    const first = await measureFirstFrame()
    const rawFirst = await measureRawSnapshot()
    log(`first live frame median ${median(first).toFixed(0)} ms (raw socket.io snapshot ${median(rawFirst).toFixed(0)} ms)`)

    const wall = await wall8k()
    const skew = await measureSkew(URL_BASE, Number(args.skew), log)

    const b = await openBrowser(1920, 1080)
    await b.context.addInitScript(TIMER_PROBE)
    await b.page.goto(URL_BASE + '/')
    await waitLive(b.page)
    const delta = await measureDelta(b.page)
    log(`delta over ${delta.grids} micro grids: ${median(delta.micro).toFixed(2)} ms on screen, ${median(delta.district).toFixed(2)} ms at district view; raw setFeatureState ${median(delta.raw).toFixed(2)} ms`)

    // Let the wall settle (fonts, first tour step), then watch memory under live load.
    await b.page.reload()
    await waitLive(b.page)
    await b.page.waitForTimeout(30_000)
    const before = await heapUsed(b.page)
    const samples: { minute: number; heapMB: number; nodes: number }[] = [{ minute: 0, heapMB: mb(before.heap), nodes: before.nodes }]
    log(`heap after GC at start ${mb(before.heap).toFixed(2)} MB; running ${MINUTES} min at ${SPEED}×`)
    const seqStart = await b.page.evaluate(() => window.__onescreen!.live!().seq)
    for (let m = 1; m <= MINUTES; m++) {
      await b.page.waitForTimeout(60_000)
      const s = await heapUsed(b.page)
      samples.push({ minute: m, heapMB: mb(s.heap), nodes: s.nodes })
      log(`  minute ${m}: heap ${mb(s.heap).toFixed(2)} MB, DOM nodes ${s.nodes}`)
    }
    const after = await heapUsed(b.page)
    const end = await b.page.evaluate(() => {
      const h = window.__onescreen!
      return {
        probe: (window as unknown as { __timerProbe: () => { intervals: number; timeouts: number } }).__timerProbe(),
        charts: h.charts, maps: h.maps, appTimers: h.timers, seq: h.live!().seq, status: h.live!().status,
        tickerRows: document.querySelectorAll('[data-testid=ticker-item]').length,
        pulses: document.querySelectorAll('.case-pulse').length,
      }
    })
    const errors = b.errors.slice(0, 10)
    await b.close()

    const result = {
      when: new Date().toISOString(),
      settings: { minutes: MINUTES, speed: SPEED, cases: Number(args.cases), runs: RUNS },
      size: { ...size, targetGzip: 1.5 * 1024 * 1024 },
      firstFrameMs: { runs: first, median: median(first), target: 2000, rawSnapshotMs: rawFirst, rawMedian: median(rawFirst), ratio: median(first) / median(rawFirst) },
      wall8k: wall,
      skew,
      deltaMs: {
        grids: delta.grids,
        onScreen: { median: median(delta.micro), max: Math.max(...delta.micro) },
        districtView: { median: median(delta.district), max: Math.max(...delta.district) },
        frameAfterDelta: { median: median(delta.frameAfter) },
        rawSetFeatureState: { median: median(delta.raw) },
        ratio: median(delta.micro) / median(delta.raw),
        target: 8,
      },
      heap: {
        beforeMB: mb(before.heap), afterMB: mb(after.heap), growthMB: mb(after.heap - before.heap), targetGrowthMB: 5,
        samples, domNodes: { before: before.nodes, after: after.nodes }, listeners: { before: before.listeners, after: after.listeners },
        framesReceived: end.seq - seqStart,
      },
      end: { ...end, pageErrors: errors },
    }
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true })
    writeFileSync(join(ROOT, 'bench/results/client.json'), JSON.stringify(result, null, 2) + '\n')

    const row = (k: string, v: string, target: string, base = '') => console.log(`${k.padEnd(38)}${v.padStart(14)}  ${target.padEnd(14)}${base}`)
    console.log('\nOneScreen client benchmark (medians)')
    row('measure', 'value', 'target', 'baseline / ratio')
    row('initial JS+CSS gzip', `${kb(size.jsGzip + size.cssGzip).toFixed(0)} KB`, '≤ 1536 KB', `map worker +${kb(size.workerGzip).toFixed(0)} KB`)
    row('time to first live frame', `${median(first).toFixed(0)} ms`, '≤ 2000 ms', `raw socket.io ${median(rawFirst).toFixed(0)} ms (×${result.firstFrameMs.ratio.toFixed(1)})`)
    row(`delta, ${delta.grids} grids on screen`, `${median(delta.micro).toFixed(2)} ms`, '≤ 8 ms', `raw setFeatureState ${median(delta.raw).toFixed(2)} ms (×${result.deltaMs.ratio.toFixed(2)})`)
    row(`delta, ${delta.grids} grids, district view`, `${median(delta.district).toFixed(2)} ms`, '')
    row('frame after delta (swiftshader)', `${median(delta.frameAfter).toFixed(0)} ms`, '')
    row('first live frame, 7680×2160 wall', `${wall.firstFrameMs.median.toFixed(0)} ms`, '≤ 2000 ms', `${wall.pieces} map canvases`)
    row(`delta, ${wall.deltaMs.grids} grids on screen, 8K`, `${wall.deltaMs.onScreen.median.toFixed(2)} ms`, '≤ 8 ms', `district view ${wall.deltaMs.districtView.median.toFixed(2)} ms`)
    row('frame skew p99, 2 browsers of a wall', `${skew.p99Ms.toFixed(1)} ms`, '< 50 ms', `p50 ${skew.p50Ms.toFixed(1)} ms over ${skew.frames} frames`)
    row(`heap growth, ${MINUTES} min at ${SPEED}×`, `${mb(after.heap - before.heap).toFixed(2)} MB`, '≤ 5 MB', `${mb(before.heap).toFixed(1)} → ${mb(after.heap).toFixed(1)} MB`)
    row('DOM nodes before → after', `${before.nodes} → ${after.nodes}`, '')
    row('live intervals / timeouts at end', `${end.probe.intervals} / ${end.probe.timeouts}`, '', `app timers ${end.appTimers}`)
    row('chart / map instances at end', `${end.charts} / ${end.maps}`, '3 / 1')
    console.log(`\nwrote bench/results/client.json`)
  } finally {
    server.kill('SIGTERM')
    await new Promise((r) => server.once('exit', r))
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
