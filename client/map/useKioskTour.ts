// The kiosk tour: on a steady clock the map visits the 17 first-level grids in turn, then the whole
// district. Any touch, mouse or key input pauses it for a while, and so does a red-alert takeover.
// One interval, whatever the data does.
import { computed, onScopeDispose, ref, type Ref } from 'vue'
import { useInterval } from '../composables/useTimers'

export interface TourOptions {
  /** Stops per cycle (the first-level grids) — the last step returns to the district. */
  stops: Ref<number>
  /** Only tour when this holds (e.g. the screen is at district scope, the page visible). */
  enabled: Ref<boolean>
  /** A takeover in progress. */
  held: Ref<boolean>
  /** Move the map to stop k (k = -1: the whole district). */
  go: (k: number) => void
  stepMs?: number
  idleMs?: number
}

export function useKioskTour(o: TourOptions) {
  const stop = ref(-1)
  const lastInput = ref(-Infinity)
  const now = ref(performance.now())
  const idleMs = o.idleMs ?? 60_000
  const onInput = () => (lastInput.value = performance.now())
  const events = ['pointerdown', 'wheel', 'keydown', 'touchstart'] as const
  for (const e of events) window.addEventListener(e, onInput, { passive: true, capture: true })
  onScopeDispose(() => {
    for (const e of events) window.removeEventListener(e, onInput, { capture: true })
  })

  const paused = computed(() => o.held.value || now.value - lastInput.value < idleMs)
  const running = computed(() => o.enabled.value && !paused.value && o.stops.value > 0)

  useInterval(() => {
    now.value = performance.now()
    if (!running.value) {
      // After the user has taken over, the next cycle starts from the first grid again.
      if (paused.value && !o.held.value) stop.value = -1
      return
    }
    // Stops 0 … n-1 are the grids; stop n is the district overview.
    const n = o.stops.value
    stop.value = (stop.value + 1) % (n + 1)
    o.go(stop.value === n ? -1 : stop.value)
  }, o.stepMs ?? 12_000)

  return { stop, paused, running, noteInput: onInput }
}
