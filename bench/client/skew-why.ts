// Why a wall's browser applied a frame late (bench/client/skew.ts lists the frames applied 50 ms or more apart):
// beside each, what held the late page then, read from the page's own probes and from outside the app. Passive:
// an observer of long animation frames (LoAF, drained by the bench) and the client's record of its map frames
// (client/map/framePace.ts) and clock offset (the wall probe), sampled with the frames.
import type { Page } from 'playwright-core'

/** Init script: the page's long animation frames (> 50 ms), bounded, drained by `drain`. */
export const LOAF_PROBE = `(() => {
  const out = []
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        out.push({ start: performance.timeOrigin + e.startTime, ms: e.duration, render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
          scripts: e.scripts.filter((s) => s.duration >= 10).map((s) => (s.invoker || '?') + ' ' + Math.round(s.duration)).slice(0, 4) })
        if (out.length > 1000) out.splice(0, 200)
      }
    }).observe({ type: 'long-animation-frame', buffered: true })
  } catch {}
  window.__loafs = () => out.splice(0)
})()`

export type Loaf = { start: number; ms: number; render: number; scripts: string[] }
export type MapFrame = { start: number; js: number; ms: number }

/** What one page showed over the run: its long frames, its map frames, its clock offset (at, server − page). */
export interface PageLog {
  loafs: Loaf[]
  mapFrames: MapFrame[]
  offsets: { at: number; offset: number }[]
}

export const pageLog = (): PageLog => ({ loafs: [], mapFrames: [], offsets: [] })

/** Read what the page gathered since the last read. */
export async function drain(page: Page, log: PageLog): Promise<void> {
  const r = await page.evaluate(() => {
    const h = window.__onescreen
    const w = h?.wall?.()
    return {
      loafs: ((window as unknown as { __loafs?: () => Loaf[] }).__loafs?.() ?? []) as Loaf[],
      mapFrames: [...(h?.mapFrames ?? [])],
      offset: w ? w.offset : null,
      now: performance.timeOrigin + performance.now(),
    }
  })
  log.loafs.push(...r.loafs)
  const last = log.mapFrames.at(-1)?.start ?? -Infinity
  log.mapFrames.push(...r.mapFrames.filter((f) => f.start > last))
  if (r.offset !== null) log.offsets.push({ at: r.now, offset: r.offset })
}

/** The page's offset at `t`: the first sample read after it (the offset moves once a minute at most). */
const offsetAt = (log: PageLog, t: number): number => (log.offsets.find((s) => s.at >= t) ?? log.offsets.at(-1))?.offset ?? 0

const r0 = (x: number) => Math.round(x)

/**
 * For a frame due at `due` (server = machine clock) and applied at `apply` by a page: how late its own timer ran
 * (against the due moment on its clock: due − its offset), its offset, and what held it from a little before the
 * due moment until the apply: the map frames and the long animation frames (start relative to due + duration).
 */
export function why(log: PageLog, due: number, apply: number) {
  const offset = offsetAt(log, due)
  const from = due - 100
  return {
    timerLateMs: r0(apply - (due - offset)),
    offsetMs: +offset.toFixed(1),
    mapFrames: log.mapFrames.filter((f) => f.start < apply && f.start + f.js + f.ms > due - 1500).map((f) => `${r0(f.start - due)}+${r0(f.js)}+${r0(f.ms)}`),
    loafs: log.loafs.filter((l) => l.start < apply && l.start + l.ms > from).map((l) => `${r0(l.start - due)}+${r0(l.ms)} r${r0(l.render)}${l.scripts.length ? ' ' + l.scripts.join(', ') : ''}`),
  }
}

const spread = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const q = (p: number) => r0(s[Math.min(s.length - 1, Math.max(0, Math.ceil(s.length * p) - 1))] ?? NaN)
  return { n: s.length, p50: q(0.5), p90: q(0.9), max: r0(s.at(-1) ?? NaN) }
}

/** A page's map frames from `from` on: how long their scripts ran (`js`, until MapLibre's 'render'), how long the
 *  page was held after that (`held`) and in all (`whole`), how many held it `over` ms or more in all; its offsets. */
export function mapSummary(log: PageLog, over: number, from: number) {
  const f = log.mapFrames.filter((x) => x.start >= from)
  const whole = f.map((x) => x.js + x.ms)
  return {
    js: spread(f.map((x) => x.js)), held: spread(f.map((x) => x.ms)), whole: spread(whole), over: whole.filter((x) => x >= over).length,
    offsets: [...new Set(log.offsets.map((o) => +o.offset.toFixed(1)))],
  }
}
