// A slow wall's tour stop quiet (shared/tourCut.ts): the live frames due in a stop's first seconds are applied
// together at the step that ends them, which is on the wall's step grid; the map draws at once until it could no
// longer be done by then. A wall that does not step (it flies: a GPU draws in ms) has none.
import { expect, it } from 'vitest'
import { cutQuiet, dueAfterCut, TOUR_STOP_MS } from '../../shared/tourCut'

it("moves the frames due in a stop's first three 1.2 s steps to the third, and leaves the others", () => {
  const cut = 10 * TOUR_STOP_MS
  expect(cutQuiet(1200, cut + 1)).toEqual({ cut, end: cut + 3600, drawUntil: cut + 1600 })
  // The frames due at the stop itself too: a map frame begun there held a page's timer for them 620 ms.
  expect([-1200, 0, 1200, 2400, 3600, 4800, TOUR_STOP_MS - 1200].map((d) => dueAfterCut(1200, cut + d) - cut)).toEqual([-1200, 3600, 3600, 3600, 3600, 4800, TOUR_STOP_MS - 1200])
})

it('ends every quiet on a step, at least 3 s after the cut, with the map let draw for a while first', () => {
  for (const step of [400, 500, 600, 750, 1000, 1200, 1500, 2000, 2400, 3000]) {
    const q = cutQuiet(step, 7 * TOUR_STOP_MS + 1)!
    expect(q.end % step).toBe(0)
    expect(q.end - q.cut).toBeGreaterThanOrEqual(3000)
    expect(q.end - q.cut).toBeLessThan(3000 + step)
    expect(q.drawUntil - q.cut).toBeGreaterThanOrEqual(q.end - q.cut >= 4000 ? 2000 : 1000)
    expect(q.end - q.drawUntil).toBe(2000)
  }
})

it('has no quiet on a wall that does not step, and follows a tour of another period', () => {
  expect(cutQuiet(0, 12_500)).toBeNull()
  expect(dueAfterCut(0, 12_500)).toBe(12_500)
  expect(dueAfterCut(1000, 61_000, 60_000)).toBe(63_000)
  expect(dueAfterCut(1000, 13_000, 60_000)).toBe(13_000)
})
