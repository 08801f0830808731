// Where a wall's overlays go, so that none crosses a bezel and each browser shows its own: the driver's name at
// the top of the map on each screen of this browser that the map's top edge crosses (or this browser's first
// screen if the map is not on it), the case card at the map's top-right corner, and an alert takeover over
// the screen at the middle of this browser's part.
import { computed, type Ref } from 'vue'
import type { Rect, WallLayout } from './layout'
import type { WallPage } from './profile'
import { overlaps } from './useWallLayout'

const inside = (r: Rect, x: number, y: number) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height

export function useWallSpots(layout: Ref<WallLayout>, page: Ref<WallPage>) {
  const mine = computed(() => page.value.screens.filter((s) => overlaps(s, page.value.view)))
  const driver = computed(() => {
    const m = layout.value.map
    const top = mine.value.filter((s) => overlaps(s, m) && inside(s, Math.max(s.x, m.x), m.y))
    const on = top.length ? top : mine.value.slice(0, 1)
    return on.map((s) => {
      const x0 = Math.max(s.x, m.x)
      const x1 = Math.min(s.x + s.width, m.x + m.width)
      const centre = top.length ? (x0 + x1) / 2 : s.x + s.width / 2
      return { left: `${centre}px`, top: `calc(${top.length ? m.y : s.y}px + 0.75rem)`, transform: 'translateX(-50%)' }
    })
  })
  const card = computed(() => {
    const m = layout.value.map
    const corner = mine.value.find((s) => inside(s, m.x + m.width - 1, m.y))
    return corner ? { right: `calc(${layout.value.width - m.x - m.width}px + 0.75rem)`, top: `calc(${m.y}px + 3.5rem)` } : null
  })
  const takeover = computed(() => {
    const v = page.value.view
    return mine.value.find((s) => inside(s, v.x + v.width / 2, v.y + v.height / 2)) ?? mine.value[0] ?? v
  })
  return { driver, card, takeover }
}
