// Where a replay's controls (back, play, speed, the timeline, back to live) sit on a wall: along the bottom
// of the map, inside one physical screen, inset like a cell. The map may span screens; the controls never
// do, so no button or timeline crosses a bezel. Pure, as the layout is.
import type { Rect } from './layout'

/** The bar's height in rem on one row: its padding and the timeline (client/ui/ReplayBar.vue, ReplayTimeline.vue). */
export const REPLAY_BAR_REM = 5.6
/** Narrower than this, the timeline takes a row of its own under the buttons (ReplayBar.vue's container query)... */
export const REPLAY_BAR_WIDE_REM = 60
/** ...and the bar is this tall. */
export const REPLAY_BAR_TWO_ROWS_REM = 8.6
const GAP = 0.75
const bottom = (r: Rect) => r.y + r.height
const right = (r: Rect) => r.x + r.width

/** The bar's box: the stretch of the map's lowest part that lies in one screen, the widest of them. */
export function replayBarRect(map: Rect, screens: Rect[], rem: number): Rect {
  const g = GAP * rem
  const one = place(map, screens, g, REPLAY_BAR_REM * rem)
  if (one && one.width >= REPLAY_BAR_WIDE_REM * rem) return one
  const h = REPLAY_BAR_TWO_ROWS_REM * rem
  // A map too small for the bar in any screen (it never is in the layouts): the bar at its bottom, as before.
  return place(map, screens, g, h) ?? one ?? { x: map.x + g, y: bottom(map) - g - h, width: Math.max(0, map.width - 2 * g), height: h }
}

/** What the map's own overlays (legend, tour card) rise by while the bar is there, so it hides none of them. */
export const replayFoot = (bar: Rect, rem: number) => bar.height + GAP * rem

function place(map: Rect, screens: Rect[], g: number, h: number): Rect | null {
  let best: Rect | null = null
  for (const s of screens) {
    const x0 = Math.max(map.x, s.x) + g
    const x1 = Math.min(right(map), right(s)) - g
    const y1 = Math.min(bottom(map), bottom(s)) - g
    // The bar needs its height inside both the map and the screen.
    if (x1 <= x0 || y1 - h < Math.max(map.y, s.y)) continue
    const r = { x: x0, y: y1 - h, width: x1 - x0, height: h }
    if (!best || bottom(r) > bottom(best) + 0.5 || (Math.abs(bottom(r) - bottom(best)) <= 0.5 && r.width > best.width)) best = r
  }
  return best
}
