// A slow wall's live frames and its tour (client/wall/useWallSync.ts): while the tour moves, a frame due in a
// stop's first seconds, when every browser's map draws the new view for 0.5–2.4 s (traced without a GPU), is held
// until the step that ends them on every browser alike; with the tour resting it is applied when due.
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { effectScope, ref } from 'vue'
import type { Socket } from 'socket.io-client'
import { WALL_EVENTS, type WallChange, type WallState } from '../../../shared/conductor'
import { useWallSync } from '../../../client/wall/useWallSync'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

/** A wall of 1.2 s steps (lead 1,200 ms), its state delivered over a socket that never connects. */
function slowWall() {
  const handlers = new Map<string, (c: WallChange) => void>()
  const socket = { connected: false, on: (e: string, f: (c: WallChange) => void) => handlers.set(e, f), off: () => {} } as unknown as Socket
  const scope = effectScope()
  const sync = scope.run(() => useWallSync('pair', { viewerRoot: ref('4101'), home: ref('410103'), window: 'today' }))!
  sync.connect(socket)
  const state: WallState = { scope: '410103', window: 'today', metric: 'received', case: null, driver: null, version: 1, lead: { ms: 1200, since: 0, before: 1200 } }
  handlers.get(WALL_EVENTS.state)!({ state, applyAt: 0 })
  return { sync, stop: () => scope.stop() }
}

it("holds the live frames due in a tour stop's first three steps until the fourth, while the tour moves", () => {
  const { sync, stop } = slowWall()
  // Frames built (and here at once) so that they are due at 120.0 s (the cut), 121.2 s,
  // 122.4 s, then 123.6 s and 124.8 s: the moment each is applied at (server clock = this one here).
  const built = [118_700, 119_900, 121_000, 122_300, 123_500]
  const applyAt = () =>
    built.map((at) => {
      vi.setSystemTime(at + 5)
      return at + 5 + sync.view.holdMs(at)
    })
  expect(applyAt()).toEqual([120_000, 121_200, 122_400, 123_600, 124_800])
  sync.clock.touring(12_000)
  expect(applyAt()).toEqual([123_600, 123_600, 123_600, 123_600, 124_800])
  // The map draws at once from the cut for 1.6 s, then waits for the frames at 123.6 s.
  expect(sync.clock.steps(120_500)).toEqual({ last: 120_000, next: 123_600, free: 121_600 })
  expect(sync.clock.steps(123_600)).toEqual({ last: 123_600, next: 124_800 })
  sync.clock.touring(0)
  expect(sync.clock.steps(120_500)).toEqual({ last: 120_000, next: 121_200 })
  stop()
})
