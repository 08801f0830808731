// The kiosk tour: a steady clock over the stops and back to the overview, paused by input, held by a
// takeover, on a wall the same stop on every browser at the same moment, and leaving no timer or listener behind.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, ref } from 'vue'

// The composable listens on window; in Node an EventTarget stands in for it. The page opts in to the
// debug probes (as the e2e harness does), so timers are counted.
vi.stubGlobal('window', Object.assign(new EventTarget(), { __onescreen: {} }))
const { useKioskTour } = await import('../../../client/map/useKioskTour')
const debugHook = (await import('../../../client/debug')).debugHook!
type TourClock = import('../../../client/wall/useWallSync').TourClock

describe('useKioskTour', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function start(stops = 3, clock: TourClock | null = null) {
    const visits: number[] = []
    const flights: boolean[] = []
    const held = ref(false)
    const enabled = ref(true)
    const scope = effectScope()
    const go = (k: number, fly: boolean) => (visits.push(k), flights.push(fly))
    const tour = scope.run(() => useKioskTour({ stops: ref(stops), enabled, held, go, stepMs: 1000, idleMs: 5000, clock }))!
    return { visits, flights, held, enabled, tour, stop: () => scope.stop() }
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

  it('on a wall, follows the wall’s clock: browsers started apart visit the same stop at the same moment, and a hold from one holds all', () => {
    // The wall's shared hold, as the conductor would broadcast it to every browser.
    const heldUntil = ref(0)
    const touring: number[] = []
    const clock: TourClock = { now: () => Date.now(), heldUntil: () => heldUntil.value, hold: () => (heldUntil.value = Date.now() + 5000), cuts: () => false, steps: () => null, touring: (ms) => touring.push(ms) }
    vi.setSystemTime(10_250)
    const a = start(3, clock)
    vi.advanceTimersByTime(400)
    const b = start(3, clock) // a browser that (re)joins later goes straight to the wall's current stop
    vi.advanceTimersByTime(400)
    // Step 10 (10 mod 4 = stop 2) on joining, then both at 11.000 s: step 11 = the overview.
    expect(a.visits).toEqual([2, -1])
    expect(b.visits).toEqual([2, -1])
    // Joining is a jump to where the others already are (a flight would keep a loading map busy and arrive
    // late); the steps after it fly.
    expect(a.flights).toEqual([false, true])
    expect(b.flights).toEqual([false, true])
    // Each tells the wall that its tour moves every 1 s (its live frames keep clear of the cuts)…
    expect(touring).toEqual([1000, 1000])
    a.tour.noteInput()
    expect(b.tour.paused.value).toBe(true)
    vi.advanceTimersByTime(5000)
    expect(b.visits).toEqual([2, -1])
    // …and that it rests while input holds it, and moves again after.
    expect(touring).toEqual([1000, 1000, 0, 0])
    vi.advanceTimersByTime(1000)
    expect(a.visits).toEqual([2, -1, 1])
    expect(b.visits).toEqual([2, -1, 1])
    expect(touring).toEqual([1000, 1000, 0, 0, 1000, 1000])
    a.stop()
    b.stop()
    expect(touring.slice(-2)).toEqual([0, 0])
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
