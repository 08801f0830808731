// What a wall's browsers look at together: a takeover one browser detects is shared with the wall, every
// browser shows the wall's takeover (found in its own alerts), a browser ends what it applied after its time
// (also one that joined in the middle), and the tour holds while the wall looks at something or is driven.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref, shallowRef } from 'vue'
import type { WallShared, WallState } from '../../../shared/conductor'
import type { AlertItem } from '../../../shared/protocol'
import { useWallFocus } from '../../../client/wall/useWallFocus'
import type { WallSync } from '../../../client/wall/useWallSync'

const BASE: WallState = { scope: '410103', window: 'today', metric: 'received', case: null, driver: null, camera: null, drill: null, takeover: null, version: 1, lead: { ms: 500, since: 0, before: 500 } }
const alert = (id: number): AlertItem => ({ id, at: 0, kind: 'red', grid: '410103001', gridName: '淮河路', text: `alert ${id}` })

/** A browser of a wall: what it shares goes to the conductor, which applies it on every browser. */
function browser(wall: { state: WallState; browsers: ((s: WallState) => void)[] }) {
  const state = shallowRef<WallState | null>(wall.state)
  const shared: WallShared[] = []
  const sync = {
    state,
    share: (p: WallShared) => {
      shared.push(p)
      wall.state = { ...wall.state, ...p, version: wall.state.version + 1 }
      for (const apply of wall.browsers) apply(wall.state)
    },
  } as unknown as WallSync
  wall.browsers.push((s) => (state.value = s))
  const local = ref<AlertItem | null>(null)
  const alerts = ref<AlertItem[]>([alert(7)])
  const scope = effectScope()
  const focus = scope.run(() => useWallFocus(sync, local, alerts, { showMs: 8000, lookMs: 10_000 }))!
  return { focus, local, shared, stop: () => scope.stop() }
}

describe('useWallFocus', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('a takeover detected on one browser shows on both, and ends on both after its time', async () => {
    const wall = { state: BASE, browsers: [] as ((s: WallState) => void)[] }
    const a = browser(wall)
    const b = browser(wall)
    a.local.value = alert(7)
    await nextTick()
    expect(a.shared).toEqual([{ takeover: '7' }])
    expect(b.focus.takeover.value?.id).toBe(7)
    expect(b.focus.held.value).toBe(true)
    vi.advanceTimersByTime(8000)
    expect(wall.state.takeover).toBeNull()
    expect(a.focus.takeover.value).toBeNull()
    expect(b.focus.held.value).toBe(false)
    a.stop()
    b.stop()
  })

  it('a browser that joins while the wall looks at something ends it after its time', () => {
    const wall = { state: { ...BASE, takeover: '7', camera: { lon: 113.6, lat: 34.7, zoom: 13, grid: '410103001' } }, browsers: [] as ((s: WallState) => void)[] }
    const late = browser(wall)
    expect(late.focus.takeover.value?.text).toBe('alert 7')
    vi.advanceTimersByTime(10_000)
    expect(late.shared).toEqual([{ takeover: null }, { camera: null }])
    expect(wall.state).toMatchObject({ takeover: null, camera: null })
    late.stop()
  })

  it('the tour holds while a control key drives the wall or a case is shown', () => {
    const wall = { state: { ...BASE, driver: { name: 'tablet', until: 0 } }, browsers: [] as ((s: WallState) => void)[] }
    const a = browser(wall)
    expect(a.focus.held.value).toBe(true)
    expect(a.focus.driver.value).toBe('tablet')
    for (const apply of wall.browsers) apply({ ...BASE, case: 42, version: 3 })
    expect(a.focus.held.value).toBe(true)
    for (const apply of wall.browsers) apply({ ...BASE, version: 4 })
    expect(a.focus.held.value).toBe(false)
    a.stop()
  })
})
