// A slow wall's tour stops (shared/conductor.ts: a wall that cuts works in steps). At each stop the map cuts to a
// new view and draws it from tiles that come in over the next second: traced without a GPU, those map frames held
// a page 0.5–2.4 s, longer than the wall's 1.2 s step, and every live frame applied late (one browser hundreds of
// ms after the other) was due in the first three steps after a cut. So a stop's first seconds are the map's: the
// live frames due in them are applied together at the step that ends them, and the map draws the new view as fast
// as it can until it can no longer be done by then. Every browser of the wall knows the stops from the wall's clock
// (the server's), so all of them move the same frames to the same moment without a message. Pure.

/** The kiosk tour moves to its next stop every this many ms of the wall's clock (client/map/useKioskTour.ts). */
export const TOUR_STOP_MS = 12_000
/** The live frames due this soon after a cut wait for the first step after it. */
const CUT_QUIET_MS = 3000
/** A map frame begun this long before the quiet ends is done by then: the longest a map frame held a page after a
 *  cut, traced (2.4 s; 1.8 s is what a wall's lead covers, FRAME_LEAD.max less its base, and was measured beyond it
 *  only at load 6). A repaint asked for later waits until the frames at the quiet's end are applied. */
const CUT_DRAW_MS = 2000

export interface CutQuiet {
  /** The stop's cut (wall clock, ms). */
  cut: number
  /** The step at which the live frames due since the cut are applied. */
  end: number
  /** Until when the map draws at once (its frames then are done by `end`). */
  drawUntil: number
}

/** The quiet from the tour stop at or before `t` (wall clock), if `t` is inside it: on a wall working in steps of
 *  `step` ms (0: it does not step, it draws quickly enough to fly, and has none). The frames due at the stop itself
 *  wait too: traced, a map frame begun at the stop held a page's timer for them 620 ms. */
export function cutQuiet(step: number, t: number, stopMs = TOUR_STOP_MS): CutQuiet | null {
  if (!step) return null
  const cut = Math.floor(t / stopMs) * stopMs
  const end = cut + Math.ceil(CUT_QUIET_MS / step) * step
  return t < end ? { cut, end, drawUntil: Math.max(cut, end - CUT_DRAW_MS) } : null
}

/** When a live frame due at `due` (wall clock, on a wall whose steps are `step` ms there) is applied while the tour
 *  moves every `stopMs`: at its due moment, or inside a stop's quiet at the quiet's end. */
export const dueAfterCut = (step: number, due: number, stopMs = TOUR_STOP_MS): number => cutQuiet(step, due, stopMs)?.end ?? due
