// Drawing the map around held live frames. Every map frame (a camera step of the tour, a tile that came in, a
// recolour) holds the page's main thread until the GPU has finished it: in the commit after it, Chromium waits
// for the WebGL canvas. Measured on a wall without a GPU (SwiftShader, the compositor reading the canvas back):
// 130–300 ms a frame, of which ~1 ms is CPU on the main thread. A live frame that falls due inside that wait is
// applied late, on one browser more than on the other, and the wall's browsers no longer change together. So a
// repaint asked for shortly before a held frame is due is put off until just after it: the live frame is applied
// on time, and the map draws it (and the camera's new place) right after. And after each map frame the page gets
// as long again to itself before the next: drawn back to back, the frames of a flight left no room for the
// message that brings the next live frame (it waited up to a second behind them). What a map frame costs is
// measured on the frames drawn, so on a machine with a GPU (a few ms) neither changes anything one can see.
import type { Map as MapLibre } from 'maplibre-gl'
import { debugHook } from '../debug'
import type { WallSteps } from '../wall/useWallSync'

/** A frame is taken to cost at most this long (longer is the page doing something else too). */
const MAX_COST_MS = 1000
/** The cost learnt decays towards the newest measure by this factor a frame (a burst of tile loads passes). Slowly:
 *  it stands for the dearest recent frames. Traced on two browsers without a GPU on a busy machine, one map frame
 *  held the page 200–650 ms, frame to frame; sized on a quickly decaying mean (0.8, 1.5×), frames started 350–
 *  450 ms before a due live frame ran 100–250 ms past it. */
const DECAY = 0.9
/** Put off a repaint asked for when the due frame is nearer than this many frame costs. */
const MARGIN = 2
/** On a wall that steps, a repaint asked for this soon after a step is drawn at once (its frames were just applied). */
const STEP_DRAW_MS = 50

export class FramePace {
  /** How long drawing one map frame holds the page (ms), learnt from the recent frames. */
  cost = 0
  /** When the last map frame let go of the page. */
  private freed = -Infinity

  /** How long to put off a repaint asked for at `now` (0: draw it now), the next held frame being `due`. */
  wait(due: number | null, now: number): number {
    const rest = Math.max(0, this.freed + this.cost - now)
    if (due === null) return rest
    const ahead = due - now
    return ahead > rest && ahead - rest < MARGIN * this.cost ? ahead : rest
  }

  /** A map frame held the page for `ms`, until `at` (Date.now() clock). */
  drew(ms: number, at: number): void {
    this.cost = Math.max(Math.min(ms, MAX_COST_MS), this.cost * DECAY)
    this.freed = at
  }
}

/** How far back the worst hold reaches (ms), in buckets: a tour flies every few seconds, so a window of minutes
 *  always holds some flights, and the wall's lead does not drop between two of them. */
const WORST_WINDOW_MS = 180_000
const WORST_BUCKET_MS = 10_000

/** The worst hold of the last few minutes, what this page reports to its wall (bounded: one number a bucket). */
export class WorstHold {
  private readonly buckets: { from: number; ms: number }[] = []

  add(ms: number, now: number): void {
    const last = this.buckets.at(-1)
    if (last && now - last.from < WORST_BUCKET_MS) last.ms = Math.max(last.ms, ms)
    else this.buckets.push({ from: now, ms })
    while (this.buckets[0].from <= now - WORST_WINDOW_MS) this.buckets.shift()
  }

  worst(now: number): number {
    let ms = 0
    for (const b of this.buckets) if (b.from > now - WORST_WINDOW_MS) ms = Math.max(ms, b.ms)
    return ms
  }
}

/** This page's map frames (every map of it: they hold the same main thread). */
export const pageHold = new WorstHold()

/** When the animation frame being drawn began (performance.now() clock): its rAF callbacks, MapLibre's among them,
 *  ran from then. `now` where there is no document timeline (tests in Node). */
const frameBegan = (now: number): number => {
  const t = globalThis.document?.timeline?.currentTime
  return typeof t === 'number' && t <= now ? t : now
}

/**
 * Pace a map's repaints around the page's held live frames (`due`: when the next is due, Date.now() clock).
 * MapLibre asks for every frame through its public triggerRepaint(). Each repaint is decided with what is known
 * when it would be drawn, not when it was asked for: a repaint put off for the page's rest is decided again when
 * the rest is over (a live frame may have come in meanwhile and now be due before the map would be done: traced
 * on two browsers without a GPU, such repaints were drawn 50 ms before a due frame that had arrived 400 ms
 * earlier, and held the page 200 ms past it), and one asked for while a map frame still holds the page waits
 * until that frame's cost is known. A repaint put off for a due frame is drawn right after it, whatever is due
 * next, so the map always gets drawn (at the latest after one rest, then the later of a due frame and the next rest).
 * On a wall that works in steps (`steps`, shared/conductor.ts stepOf) none of that is guessed: one map frame a
 * step is drawn, just after it, when that step's live frames have been applied, and it is done before the next.
 * After a tour stop's cut no live frame is due for a few seconds (shared/tourCut.ts): the map draws the new view as
 * it comes in, at once, until a frame begun could no longer be done before the frames due at the quiet's end.
 */
export function paceRepaints(map: MapLibre, due: () => number | null, pace = new FramePace(), steps?: (t: number) => WallSteps | null): () => void {
  const repaint = map.triggerRepaint.bind(map)
  let later: ReturnType<typeof setTimeout> | undefined
  /** A map frame was drawn and its cost is not known yet (the page is still committing it). */
  let drawing = false
  /** A repaint was asked for while drawing. */
  let asked = false
  let undone = false
  /** On a wall that steps: the step whose map frame was drawn. */
  let drawnStep = NaN
  /** Draw now, or put the repaint off; `again`: it was put off for the page's rest once already. */
  const decide = (again: boolean) => {
    const now = Date.now()
    const step = steps?.(now)
    if (step) {
      // A slow wall draws one map frame a step, just after it, once its live frames are applied: it is done before
      // the next. A repaint asked for later waits for the next step, and so does one asked for from inside that
      // frame (MapLibre asks while it draws, for tiles and fades): traced, such a second frame began when the first
      // let go of the page, 300–700 ms into the step, and held it past the next step's live frames.
      // In a tour stop's first seconds no live frame is due (shared/tourCut.ts): the map draws the new view's tiles
      // as they come in, for as long as its frames are done before the frames at the quiet's end.
      if (step.free !== undefined && now < step.free) return repaint()
      if (now - step.last < STEP_DRAW_MS && drawnStep !== step.last) {
        drawnStep = step.last
        return repaint()
      }
      later = setTimeout(() => {
        later = undefined
        drawnStep = step.next
        repaint()
      }, step.next - now + 2)
      return
    }
    const next = due()
    const wait = pace.wait(next, now)
    if (wait <= 0) return repaint()
    // Put off until a due frame has been applied (or a rest that ends after it): then drawn, whatever is next.
    const pastDue = next !== null && next > now && wait >= next - now
    if (again && !pastDue) return repaint()
    later = setTimeout(() => {
      later = undefined
      if (pastDue) repaint()
      else decide(true)
    }, wait + 1)
  }
  map.triggerRepaint = () => {
    if (later !== undefined) return
    if (drawing) asked = true
    else decide(false)
  }
  // The 'render' event comes inside the animation frame; a task queued then runs after that frame's commit, so
  // the time to it is what the frame held the page for.
  const measure = () => {
    drawing = true
    const t = performance.now()
    const begun = frameBegan(t)
    // A frame of a tour stop's quiet is not what the wall's lead must cover: the quiet covers it.
    const quiet = steps?.(Date.now())?.free !== undefined
    setTimeout(() => {
      drawing = false
      const ms = performance.now() - t
      pace.drew(ms, Date.now())
      if (!quiet) pageHold.add(Math.min(ms, MAX_COST_MS), Date.now())
      if (debugHook) {
        const log = (debugHook.mapFrames ??= [])
        log.push({ start: performance.timeOrigin + begun, js: t - begun, ms })
        if (log.length > 300) log.splice(0, 100)
      }
      if (asked && later === undefined && !undone) decide(false)
      asked = false
    }, 0)
  }
  map.on('render', measure)
  return () => {
    undone = true
    clearTimeout(later)
    map.off('render', measure)
    map.triggerRepaint = repaint
  }
}
