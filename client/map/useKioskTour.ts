// The kiosk tour: on a steady clock the map visits the 17 first-level grids in turn, then the whole
// district. Any touch, mouse or key input pauses it for a while, and so does a red-alert takeover.
// One timer, whatever the data does. On a wall of several browsers the tour is the wall's: each stop is a
// function of the wall's clock (the server's), so every browser moves at the same moment without a message
// and a browser that reloads is at once at the current stop; input on any browser holds all of them.
import { computed, onScopeDispose, ref, watch, type Ref } from 'vue'
import { TOUR_STOP_MS } from '../../shared/tourCut'
import { useInterval, useTimeout } from '../composables/useTimers'
import type { TourClock } from '../wall/useWallSync'

export interface TourOptions {
  /** Stops per cycle (the first-level grids) — the last step returns to the district. */
  stops: Ref<number>
  /** Only tour when this holds (e.g. the screen is at district scope, the page visible). */
  enabled: Ref<boolean>
  /** A takeover in progress. */
  held: Ref<boolean>
  /** Move the map to stop k (k = -1: the whole district): a flight, or a jump (`fly` false) where a flight
   *  would show nothing worth seeing. */
  go: (k: number, fly: boolean) => void
  stepMs?: number
  idleMs?: number
  /** A wall's shared clock and hold; without it the tour is this page's own. */
  clock?: TourClock | null
}

export function useKioskTour(o: TourOptions) {
  const stop = ref(-1)
  const lastInput = ref(-Infinity)
  const now = ref(performance.now())
  const idleMs = o.idleMs ?? 60_000
  const stepMs = o.stepMs ?? TOUR_STOP_MS
  const clock = o.clock ?? null
  const onInput = () => (clock ? clock.hold() : (lastInput.value = performance.now()))
  const events = ['pointerdown', 'wheel', 'keydown', 'touchstart'] as const
  for (const e of events) window.addEventListener(e, onInput, { passive: true, capture: true })
  onScopeDispose(() => {
    for (const e of events) window.removeEventListener(e, onInput, { capture: true })
  })

  const paused = computed(() => {
    if (o.held.value) return true
    const t = now.value // read on every tick, so a hold that has run out ends at the next tick
    return clock ? clock.now() < clock.heldUntil() : t - lastInput.value < idleMs
  })
  const running = computed(() => o.enabled.value && !paused.value && o.stops.value > 0)

  /** Stops 0 … n-1 are the grids; stop n is the district overview. */
  const visit = (k: number, fly = true) => {
    const n = o.stops.value
    stop.value = k % (n + 1)
    o.go(stop.value === n ? -1 : stop.value, fly)
  }
  const rest = () => {
    // After the user has taken over, the next cycle starts from the first grid again.
    if (paused.value && !o.held.value) stop.value = -1
  }

  if (clock) {
    // The wall's step k runs from k·stepMs on the wall's clock; wake just after the next boundary.
    const timer = useTimeout()
    let joined = false
    const tick = () => {
      now.value = performance.now()
      const k = Math.floor(clock.now() / stepMs)
      // A browser that (re)joins jumps to the stop the others already show: a flight there would only keep its
      // map busy drawing in its first seconds (tiles still loading) and arrive late.
      if (running.value) visit(k, joined)
      else rest()
      joined = true
      timer.start(tick, (k + 1) * stepMs - clock.now() + 5)
    }
    // The first visit after the map is mounted: a browser that (re)joins goes to the wall's current stop.
    timer.start(tick, 0)
    // The wall keeps its live frames out of the map's first seconds after each stop while the tour moves.
    watch(running, (on) => clock.touring(on ? stepMs : 0), { immediate: true, flush: 'sync' })
    onScopeDispose(() => clock.touring(0))
  } else
    useInterval(() => {
      now.value = performance.now()
      if (running.value) visit(stop.value + 1)
      else rest()
    }, stepMs)

  return { stop, paused, running, noteInput: onInput }
}
