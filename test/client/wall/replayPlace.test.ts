// The replay's controls on every wall shape: inside the map, inside exactly one physical screen (never across
// a bezel), clear of every cell, at the bottom of the map, as wide as that screen's stretch of map allows, and
// on two rows (taller) when that stretch is narrow.
import { describe, expect, it } from 'vitest'
import { layoutFitted, type Rect } from '../../../client/wall/layout'
import { replayBarRect, REPLAY_BAR_REM, REPLAY_BAR_TWO_ROWS_REM, REPLAY_BAR_WIDE_REM } from '../../../client/wall/replayPlace'

const grid = (columns: number, rows: number, w: number, h: number): Rect[] =>
  Array.from({ length: columns * rows }, (_, k) => ({ x: (k % columns) * w, y: Math.floor(k / columns) * h, width: w, height: h }))
const within = (r: Rect, s: Rect) => r.x >= s.x - 0.01 && r.y >= s.y - 0.01 && r.x + r.width <= s.x + s.width + 0.01 && r.y + r.height <= s.y + s.height + 0.01
const meets = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

const SHAPES: [string, Rect[], number][] = [
  ['1920×1080', grid(1, 1, 1920, 1080), 16],
  ['3840×2160', grid(1, 1, 3840, 2160), 32],
  ['1366×768', grid(1, 1, 1366, 768), 11.4],
  ['portrait 1080×1920', grid(1, 1, 1080, 1920), 16],
  ['2×1 wall', grid(2, 1, 1920, 1080), 20],
  ['3×3 wall', grid(3, 3, 1920, 1080), 22],
  ['4×2 wall', grid(4, 2, 1920, 1080), 22],
]

describe('the replay bar on a wall', () => {
  it.each(SHAPES)('%s: in the map, in one screen, clear of the cells, at the bottom', (_, screens, rem) => {
    const l = layoutFitted({ screens, rem })
    const bar = replayBarRect(l.map, screens, l.rem)
    expect(bar.height).toBeCloseTo((bar.width >= REPLAY_BAR_WIDE_REM * l.rem ? REPLAY_BAR_REM : REPLAY_BAR_TWO_ROWS_REM) * l.rem)
    expect(within(bar, l.map)).toBe(true)
    expect(screens.filter((s) => within(bar, s))).toHaveLength(1)
    for (const c of l.cells) expect(meets(bar, c.rect), c.id).toBe(false)
    // At the map's bottom (a gap above its edge, or above the edge of the screen that cuts it).
    expect(bar.y + bar.height).toBeGreaterThan(l.map.y + l.map.height - screens[0].height / 2)
    expect(bar.width).toBeGreaterThan(20 * l.rem)
  })

  it('takes the widest stretch of the map when the map spans two screens side by side', () => {
    const screens = grid(2, 1, 1000, 800)
    const map = { x: 400, y: 100, width: 1400, height: 600 }
    // 600 px of map in the left screen, 800 in the right: the bar goes right, inset 0.75 rem from the bezel,
    // and at 776 px (48.5 rem) it is narrow: two rows.
    const h = REPLAY_BAR_TWO_ROWS_REM * 16
    expect(replayBarRect(map, screens, 16)).toEqual({ x: 1012, y: 700 - 12 - h, width: 800 - 24, height: h })
    // On a screen wide enough, one row.
    expect(replayBarRect({ ...map, width: 2000 }, grid(1, 1, 3000, 800), 16)).toEqual({ x: 412, y: 700 - 12 - REPLAY_BAR_REM * 16, width: 1976, height: REPLAY_BAR_REM * 16 })
  })

  it('goes to the lowest screen the map reaches, not across the bezel above it', () => {
    const screens = grid(1, 2, 1000, 500)
    const map = { x: 100, y: 200, width: 800, height: 700 }
    const bar = replayBarRect(map, screens, 10)
    expect(bar.height).toBe(REPLAY_BAR_REM * 10)
    expect(bar.y).toBe(900 - 7.5 - REPLAY_BAR_REM * 10)
    expect(bar.y).toBeGreaterThanOrEqual(500)
  })
})
