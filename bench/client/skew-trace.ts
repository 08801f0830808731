// Diagnostics for the frame skew between the two browsers of a 2×1 wall (bench/client/skew.ts measures it;
// this says why a page applied a frame late). Not a test, not a benchmark figure.
//   npx tsx bench/client/skew-trace.ts [--seconds 60 --speed 50 --cases 289000 --db /tmp/skew-trace.db]
// In each page, from outside the app (an init script): when each binary delta arrived on the WebSocket (its seq
// and `at`, read from the frame's JSON header), and every long animation frame (LoAF: scripts with their
// invoker, source and duration; render and style/layout time). Per frame: due = when the wall applies it (server
// clock = machine clock here; with the lead at the end), arrival, apply (the app's own probe), and for a page that applied it more than
// 20 ms late, the long frames that overlapped [due, apply].
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { openDb } from '../../server/db'
import { ensureSeeded } from '../../fixtures/seed'
import type { Page } from 'playwright-core'
import { ensureClientBuilt, openBrowser, ROOT } from '../../test/e2e/harness'
import { framesOf, merge, quantile, settled, skews } from '../../test/e2e/wallProbe'
import { wallsFile } from './skew'
import { FRAME_LEAD, frameDueAt, type FrameLead } from '../../shared/conductor'

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    speed: { type: 'string', default: '50' },
    cases: { type: 'string', default: '289000' },
    db: { type: 'string', default: join(tmpdir(), 'skew-trace.db') },
    port: { type: 'string', default: '3933' },
    out: { type: 'string', default: join(tmpdir(), 'skew-trace.json') },
    // Seconds of a Chromium trace (CDP Tracing) of both pages at the start, written next to --out.
    trace: { type: 'string', default: '0' },
  },
})
const PORT = Number(args.port)
const URL_BASE = `http://127.0.0.1:${PORT}`

const PROBE = `(() => {
  const arrivals = [], frames = []
  const clock = () => performance.timeOrigin + performance.now()
  const Ws = window.WebSocket
  window.WebSocket = class extends Ws {
    constructor(...a) {
      super(...a)
      this.addEventListener('message', (e) => {
        const t = clock()
        if (!(e.data instanceof ArrayBuffer)) return
        const b = new Uint8Array(e.data)
        let i = 0
        const varint = () => { let n = 0, shift = 0; for (;; i++) { n |= (b[i] & 127) << shift; shift += 7; if (!(b[i] & 128)) break } i++; return n }
        // shared/socket-parser: [0xF7] [varint n] [namespace] [varint m] [event] [frame]; shared/wire: [2] [varint n] [JSON]
        if (b[i++] !== 0xf7) return
        for (let k = 0; k < 2; k++) {
          const skip = varint()
          i += skip
        }
        if (b[i++] !== 2) return
        const n = varint()
        try {
          const h = JSON.parse(new TextDecoder().decode(b.subarray(i, i + n)))
          arrivals.push({ t, seq: h.f.seq, at: h.f.at })
        } catch {}
      })
    }
  }
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) frames.push({
      start: performance.timeOrigin + e.startTime, duration: e.duration, blocking: e.blockingDuration,
      render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0, styleLayout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
      scripts: e.scripts.map((s) => ({ start: performance.timeOrigin + s.startTime, duration: s.duration, invoker: s.invoker, src: (s.sourceURL || '').split('/').pop() + ':' + s.sourceCharPosition, fn: s.sourceFunctionName, layout: s.forcedStyleAndLayoutDuration })),
    })
  }).observe({ type: 'long-animation-frame', buffered: true })
  // Main-thread stalls seen from inside the page: a 20 ms timer that notes when it ran late. A commit waiting
  // for the WebGL canvas's readback (SwiftShader) is in no long animation frame, but it stalls this timer. With
  // each stall, whether the map drew (a WebGL draw call) inside it.
  let beat = performance.now(), lastDraw = -1
  const stalls = []
  setInterval(() => {
    const t = performance.now()
    if (t - beat > 70) stalls.push({ start: performance.timeOrigin + beat, gap: t - beat, map: lastDraw > beat })
    beat = t
  }, 20)
  const getContext = HTMLCanvasElement.prototype.getContext
  HTMLCanvasElement.prototype.getContext = function (type, ...a) {
    const ctx = getContext.call(this, type, ...a)
    if (ctx && /webgl/.test(type) && !ctx.__probed) {
      ctx.__probed = true
      const draw = ctx.drawElements
      ctx.drawElements = function (...x) { lastDraw = performance.now(); return draw.apply(this, x) }
    }
    return ctx
  }
  // The page's wall clock against the clock the frames' apply moments are recorded on (timeOrigin + now).
  window.__trace = () => ({ arrivals: arrivals.splice(0), frames: frames.splice(0), stalls: stalls.splice(0), clockGap: Date.now() - clock() })
})()`

/** After the map loaded (a string: tsx's helpers are not in the page). */
const MAP_PROBE = `(() => {
  const m = window.__onescreen.map()
  const log = (window.__mapLog = [])
  const clock = () => performance.timeOrigin + performance.now()
  m.on('render', () => log.push({ t: clock(), k: 'R' }))
  const paced = m.triggerRepaint
  m.triggerRepaint = function () {
    const before = !!m._frameRequest
    paced.call(this)
    log.push({ t: clock(), k: before ? 'a' : m._frameRequest ? 'A' : 'd' })
  }
})()`

/** Start a trace of the page's renderer (main thread tasks with their thread time, scheduler, timers, GPU waits). */
async function startTrace(page: Page): Promise<(file: string) => Promise<void>> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'gpu', 'cc', 'viz', 'blink'], enableSampling: false },
  })
  return async (file) => {
    const done = new Promise<{ stream?: string }>((r) => cdp.once('Tracing.tracingComplete', r))
    await cdp.send('Tracing.end')
    const { stream } = await done
    const parts: string[] = []
    for (;;) {
      const c = await cdp.send('IO.read', { handle: stream!, size: 1 << 20 })
      parts.push(c.base64Encoded ? Buffer.from(c.data, 'base64').toString() : c.data)
      if (c.eof) break
    }
    await cdp.send('IO.close', { handle: stream! })
    writeFileSync(file, parts.join(''))
    console.log(`trace: ${file}`)
  }
}

type Arrival = { t: number; seq: number; at: number }
type Stall = { start: number; gap: number; map: boolean }
type Loaf = { start: number; duration: number; blocking: number; render: number; styleLayout: number; scripts: { start: number; duration: number; invoker: string; src: string; fn: string; layout: number }[] }

async function main() {
  await ensureClientBuilt()
  const db = openDb(args.db!)
  await ensureSeeded(db, { cases: Number(args.cases) })
  db.$client.close()
  const dir = mkdtempSync(join(tmpdir(), 'skew-trace-'))
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, PORT: String(PORT), HOST: '127.0.0.1', ONESCREEN_DB: args.db, ONESCREEN_DEMO: 'true', ONESCREEN_DEMO_SPEED: args.speed,
      LOG_LEVEL: 'warn', ONESCREEN_CLIENT_DIR: join(ROOT, 'dist/client'), ONESCREEN_WALLS: wallsFile(dir), ONESCREEN_RATE_MAX: '100000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  try {
    for (let t = 0; ; t++) {
      if (t > 240) throw new Error('server did not start')
      if (await fetch(`${URL_BASE}/api/health`).then((r) => r.ok, () => false)) break
      await new Promise((r) => setTimeout(r, 500))
    }
    const pages = [await openBrowser(1920, 1080), await openBrowser(1920, 1080)]
    try {
      for (const b of pages) await b.context.addInitScript(PROBE)
      await Promise.all(pages.map((b, k) => b.page.goto(`${URL_BASE}/wall/pair/${k + 1}`)))
      await Promise.all(pages.map((b) => settled(b.page)))
      // As bench/client/skew.ts: the frames after the pages' start-up.
      const from = Math.max(...(await Promise.all(pages.map((b) => b.page.evaluate(() => window.__onescreen?.live?.().seq ?? 0)))))
      const applied = [new Map<number, number>(), new Map<number, number>()]
      const arrivals: Arrival[][] = [[], []]
      const loafs: Loaf[][] = [[], []]
      const stalls: Stall[][] = [[], []]
      const mapLogs: { t: number; k: string }[][] = [[], []]
      const gaps: number[][] = [[], []]
      for (const b of pages) await b.page.evaluate(() => (window as unknown as { __trace: () => unknown }).__trace())
      // The map's side: each repaint asked for (through the paced triggerRepaint), whether it asked MapLibre for an
      // animation frame there and then, and each frame MapLibre drew ('render').
      for (const b of pages) await b.page.evaluate(MAP_PROBE)
      const t0 = Date.now()
      const traces = Number(args.trace) > 0 ? await Promise.all(pages.map((b) => startTrace(b.page))) : []
      for (let t = 0; t < Number(args.seconds); t += 5) {
        await new Promise((r) => setTimeout(r, 5000))
        if (traces.length && t + 5 >= Number(args.trace)) {
          await Promise.all(traces.splice(0).map((stop, k) => stop(args.out!.replace(/\.json$/, `-p${k + 1}.trace.json`))))
        }
        for (let k = 0; k < 2; k++) {
          merge(applied[k], await framesOf(pages[k].page))
          const tr = (await pages[k].page.evaluate(() => (window as unknown as { __trace: () => unknown }).__trace())) as { arrivals: Arrival[]; frames: Loaf[]; stalls: Stall[]; clockGap: number }
          gaps[k].push(Math.round(tr.clockGap * 10) / 10)
          arrivals[k].push(...tr.arrivals)
          loafs[k].push(...tr.frames)
          stalls[k].push(...tr.stalls)
          mapLogs[k].push(...(await pages[k].page.evaluate(() => ((window as unknown as { __mapLog: { t: number; k: string }[] }).__mapLog ?? []).splice(0))))
        }
      }
      // The wall's frame lead at the end (it follows the browsers' holds; only its last switch is known here).
      const lead = (await pages[0].page.evaluate(() => window.__onescreen?.wall?.()?.lead)) ?? { ms: FRAME_LEAD.start, since: 0, before: FRAME_LEAD.start }
      console.log(`frame lead at the end: ${lead.ms} ms from ${new Date(lead.since).toISOString()}, ${lead.before} ms before`)
      report(applied, arrivals, loafs, stalls, t0, from, mapLogs, lead)
      console.log(`Date.now() − (timeOrigin + now), ms, page 1: ${gaps[0].join(' ')}; page 2: ${gaps[1].join(' ')}`)
      writeFileSync(args.out!, JSON.stringify({ applied: applied.map((m) => [...m]), arrivals, loafs, stalls, mapLogs }))
      console.log(`raw data: ${args.out}`)
    } finally {
      for (const b of pages) await b.close()
    }
  } finally {
    server.kill('SIGTERM')
  }
}

/** Runs of the same repaint decision (the tour asks every animation frame) shown once with a count. */
function squeeze(xs: string[]): string {
  const out: string[] = []
  for (const x of xs) {
    const last = out.at(-1)
    if (last && last[0] === x[0] && x[0] !== 'R') out[out.length - 1] = last.replace(/(×\d+)?$/, (m) => `×${(Number(m.slice(1)) || 1) + 1}`)
    else out.push(x)
  }
  return out.join(' ')
}

function report(applied: Map<number, number>[], arrivals: Arrival[][], loafs: Loaf[][], stalls: Stall[][], t0: number, from: number, mapLogs: { t: number; k: string }[][], lead: FrameLead) {
  // The first delta of a seq (a heartbeat repeats the seq it follows).
  const byseq = arrivals.map((a) => {
    const m = new Map<number, Arrival>()
    for (const x of a) if (!m.has(x.seq)) m.set(x.seq, x)
    return m
  })
  const s = skews(applied[0], applied[1], from)
  console.log(`frames ${s.length} (from seq ${from + 1}): skew p50 ${quantile(s, 0.5)?.toFixed(1)} p99 ${quantile(s, 0.99)?.toFixed(1)} max ${s.at(-1)?.toFixed(1)} ms`)
  for (let k = 0; k < 2; k++) {
    const f = loafs[k].filter((l) => l.start >= t0)
    const busy = f.reduce((x, l) => x + l.duration, 0)
    console.log(`page ${k + 1}: ${f.length} long frames (> 50 ms), ${(busy / 1000).toFixed(1)} s in them; longest ${Math.max(0, ...f.map((l) => l.duration)).toFixed(0)} ms`)
    const by = new Map<string, { n: number; ms: number }>()
    for (const l of f) for (const sc of l.scripts) {
      const key = `${sc.invoker} ${sc.src} ${sc.fn}`
      const e = by.get(key) ?? { n: 0, ms: 0 }
      e.n++
      e.ms += sc.duration
      by.set(key, e)
    }
    for (const [key, e] of [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`   ${e.ms.toFixed(0).padStart(6)} ms ${String(e.n).padStart(4)}×  ${key}`)
    const render = f.reduce((x, l) => x + l.render, 0)
    console.log(`   render (rAF + style/layout/paint) inside long frames: ${(render / 1000).toFixed(1)} s`)
    const st = stalls[k].filter((x) => x.start >= t0)
    const withMap = st.filter((x) => x.map)
    console.log(`   stalls of the page's 20 ms timer (> 70 ms): ${st.length}, ${(st.reduce((x, y) => x + y.gap, 0) / 1000).toFixed(1)} s; ${withMap.length} with a map frame drawn, ${(withMap.reduce((x, y) => x + y.gap, 0) / 1000).toFixed(1)} s`)
  }
  console.log('\nseq   due→arrive A  due→arrive B  due→apply A  due→apply B   skew   what overlapped the late page: {stalls of its 20 ms timer} <map: A asked and drawn next frame, d put off, a asked while a frame was pending, R drew> [long animation frames]')
  for (const [seq, a] of applied[0]) {
    const b = applied[1].get(seq)
    const ar = [byseq[0].get(seq), byseq[1].get(seq)]
    if (b === undefined || !ar[0] || seq <= 0) continue
    const due = frameDueAt(lead, ar[0].at)
    const late = [a - due, b - due]
    const k = late[0] > late[1] ? 0 : 1
    const apply = k ? b : a
    let what = ''
    if (Math.abs(a - b) > 20) {
      const from = Math.min(due, ar[k]!.t)
      what = stalls[k]
        .filter((x) => x.start < apply && x.start + x.gap > from)
        .map((x) => `{${(x.start - due).toFixed(0)}+${x.gap.toFixed(0)}${x.map ? ' map' : ''}}`)
        .join(' ') + ' <' + squeeze(mapLogs[k].filter((x) => x.t > from - 300 && x.t < apply).map((x) => `${x.k}${(x.t - due).toFixed(0)}`)) + '> ' + loafs[k]
        .filter((l) => l.start < apply && l.start + l.duration > from)
        .map((l) => `[${(l.start - due).toFixed(0)}+${l.duration.toFixed(0)} r${l.render.toFixed(0)}: ${l.scripts.filter((x) => x.duration > 5).map((x) => `${x.invoker}/${x.fn || x.src} ${x.duration.toFixed(0)}`).join(', ')}]`)
        .join(' ')
    }
    const f = (x: number | undefined) => (x === undefined ? '     -' : x.toFixed(0).padStart(6))
    console.log(`${String(seq).padEnd(6)}${f(ar[0].t - due).padStart(12)}  ${f(ar[1] ? ar[1].t - due : undefined).padStart(12)}  ${f(late[0]).padStart(11)}  ${f(late[1]).padStart(11)}  ${f(Math.abs(a - b))}   ${k + 1}: ${what}`)
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
