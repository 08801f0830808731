// The kiosk tour: a steady clock over the stops and back to the overview, paused by input, held by a
// takeover, and leaving no timer or listener behind.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, ref } from 'vue'

// The composable listens on window; in Node an EventTarget stands in for it. The page opts in to the
// debug probes (as the e2e harness does), so timers are counted.
vi.stubGlobal('window', Object.assign(new EventTarget(), { __onescreen: {} }))
const { useKioskTour } = await import('../../../client/map/useKioskTour')
const debugHook = (await import('../../../client/debug')).debugHook!

describe('useKioskTour', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function start(stops = 3) {
    const visits: number[] = []
    const held = ref(false)
    const enabled = ref(true)
    const scope = effectScope()
    const tour = scope.run(() => useKioskTour({ stops: ref(stops), enabled, held, go: (k) => visits.push(k), stepMs: 1000, idleMs: 5000 }))!
    return { visits, held, enabled, tour, stop: () => scope.stop() }
  }

  it('visits every stop in turn on a steady clock, then the overview, then starts over', () => {
    const t = start(3)
    vi.advanceTimersByTime(5000)
    expect(t.visits).toEqual([0, 1, 2, -1, 0])
    t.stop()
  })

  it('pauses on input and resumes from the first stop after the idle time', () => {
    const t = start(3)
    vi.advanceTimersByTime(2000)
    expect(t.visits).toEqual([0, 1])
    window.dispatchEvent(new Event('pointerdown'))
    expect(t.tour.paused.value).toBe(true)
    vi.advanceTimersByTime(4000)
    expect(t.visits).toEqual([0, 1])
    vi.advanceTimersByTime(1000)
    expect(t.tour.paused.value).toBe(false)
    expect(t.visits).toEqual([0, 1, 0])
    t.stop()
  })

  it('holds during a takeover and when disabled', () => {
    const t = start(3)
    t.held.value = true
    vi.advanceTimersByTime(3000)
    expect(t.visits).toEqual([])
    t.held.value = false
    t.enabled.value = false
    vi.advanceTimersByTime(3000)
    expect(t.visits).toEqual([])
    t.enabled.value = true
    vi.advanceTimersByTime(1000)
    expect(t.visits).toEqual([0])
    t.stop()
  })

  it('clears its timer and listener when its scope ends', () => {
    const before = debugHook.timers
    const t = start(3)
    expect(debugHook.timers).toBe(before + 1)
    t.stop()
    expect(debugHook.timers).toBe(before)
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(5000)
    expect(t.visits).toEqual([])
  })
})
