// One browser's part in a wall of several (/wall/<name>[/<n>]): the wall's shared state (server/live/conductor.ts)
// as Vue state, and what this browser changes sent as a wall change, so every browser shows it. The scope
// (with a drill-down), the window and the map metric come from the wall, not from the URL or this page: a
// click here is applied on every browser at the change's apply-at time, this one included. The WallLink is
// made once, on the live connection, outside Vue's reactivity, and disposed with the screen.
import { computed, onScopeDispose, ref, shallowRef, type Ref } from 'vue'
import type { Socket } from 'socket.io-client'
import { flies, FRAME_LEAD, frameDueAt, leadOf, stepAt, stepGrid, stepsAround, type WallShared, type WallState } from '../../shared/conductor'
import type { GridMetric, Window } from '../../shared/protocol'
import { cutQuiet, dueAfterCut } from '../../shared/tourCut'
import { WallLink } from '../live/wallLink'
import type { MapMetric } from '../map/style'
import { pageHold } from '../map/framePace'
import { debugHook } from '../debug'

/** The map's "density" colours by cases received per area: the wall's metric `received`. */
const toMap = (m: GridMetric): MapMetric => (m === 'received' ? 'density' : m)
const toWall = (m: MapMetric): GridMetric => (m === 'density' ? 'received' : m)

/** How often a browser reports how long drawing holds its page (the wall's frame lead follows the slowest). */
const HOLD_CHECK_MS = 5_000
/** Reported again at least this often, or sooner when it grew by a lead step (the server forgets it after 90 s). */
const HOLD_REPORT_MS = 30_000

/** Input holds the tour for this long on every browser; a hold is re-sent at most every HOLD_RESEND_MS. */
const HOLD_MS = 60_000
const HOLD_RESEND_MS = 10_000

export interface TourClock {
  /** The wall's clock (the server's, ms). */
  now: () => number
  /** Until when (wall clock) input holds the tour. */
  heldUntil: () => number
  /** Input on this browser: hold the whole wall's tour. */
  hold: () => void
  /** The map's camera moves in cuts, not flights: a browser of the wall draws slowly (shared/conductor.ts flies). */
  cuts: () => boolean
  /** A slow wall's steps around `t` (Date.now() clock): the last and the next; null when it does not step
   *  (shared/conductor.ts stepOf). The map draws just after a step (client/map/framePace.ts). Inside a tour stop's
   *  quiet (shared/tourCut.ts) the quiet is one step, and the map draws at once until `free`. */
  steps: (t: number) => WallSteps | null
  /** The tour says how often it moves to its next stop (ms of the wall's clock; 0: it rests): a slow wall keeps its
   *  live frames out of the map's first seconds after each cut then (shared/tourCut.ts). */
  touring: (stopMs: number) => void
}

export interface WallSteps {
  last: number
  next: number
  /** Inside a tour stop's quiet: until when the map draws at once. */
  free?: number
}

export function useWallSync(name: string, o: { viewerRoot: Ref<string>; home: Ref<string>; window: Window; browser?: number }) {
  const state = shallowRef<WallState | null>(null)
  const error = ref<string | null>(null)
  let link: WallLink | null = null
  const applied: { version: number; at: number }[] = []

  const share = (patch: WallShared) => {
    if (!link) return
    link.share(patch).then(
      (ack) => (error.value = ack.ok ? null : ack.error),
      () => (error.value = 'the wall did not answer'),
    )
  }
  /** Inside what this browser's viewer may see, else its root. */
  const inside = (code: string) => (code.startsWith(o.viewerRoot.value) ? code : o.viewerRoot.value)
  /** The wall's scope: its profile's, or where a control key sent it. Drill-downs go below it. */
  const root = computed(() => inside(state.value?.scope ?? o.home.value))
  const scope = computed(() => inside(state.value?.drill ?? root.value))
  const setScope = (code: string) => {
    if (code !== scope.value) share({ drill: code === root.value ? null : code })
  }
  const window = computed<Window>({ get: () => state.value?.window ?? o.window, set: (w) => share({ window: w }) })
  const metric = computed<MapMetric>({ get: () => toMap(state.value?.metric ?? 'received'), set: (m) => share({ metric: toWall(m) }) })

  const now = () => Date.now() + (link?.offset ?? 0)
  /** How often the tour moves to its next stop (useKioskTour; 0: it rests): the live frames keep clear of its cuts. */
  let touring = 0
  const clock: TourClock = {
    now,
    heldUntil: () => state.value?.tourHeldUntil ?? 0,
    hold: () => {
      if (clock.heldUntil() < now() + HOLD_MS - HOLD_RESEND_MS) share({ tourHeldUntil: now() + HOLD_MS })
    },
    cuts: () => !!state.value && !flies(state.value.lead),
    steps: (t) => {
      const offset = link?.offset ?? 0
      const lead = link?.state?.lead
      const around = lead ? stepsAround(lead, t + offset) : null
      if (!lead || !around) return null
      const quiet = touring ? cutQuiet(stepAt(lead, t + offset), t + offset, touring) : null
      if (quiet) return { last: quiet.cut - offset, next: quiet.end - offset, free: quiet.drawUntil - offset }
      return { last: around.last - offset, next: around.next - offset }
    },
    touring: (stopMs) => (touring = stopMs),
  }

  // Tell the wall how long drawing holds this page (map frames: client/map/framePace.ts), so that its frame
  // lead covers the slowest of its browsers (shared/conductor.ts FRAME_LEAD).
  let reported = { ms: -1, at: 0 }
  const reportHold = setInterval(() => {
    const t = Date.now()
    const ms = Math.round(pageHold.worst(t))
    if (!link?.state || (ms < reported.ms + FRAME_LEAD.step && t - reported.at < HOLD_REPORT_MS)) return
    reported = { ms, at: t }
    share({ hold: { browser: o.browser ?? 0, ms } })
  }, HOLD_CHECK_MS)

  /** Join the wall over the screen's live connection (once). */
  function connect(socket: Socket) {
    link ??= new WallLink(socket, name, {
      onState: (s) => {
        state.value = s
        error.value = null
        applied.push({ version: s.version, at: performance.timeOrigin + performance.now() })
        if (applied.length > 200) applied.splice(0, 50)
      },
      onError: (e) => (error.value = e),
    })
  }

  if (debugHook)
    debugHook.wall = () => {
      const s = state.value
      const last = applied.at(-1)
      return s && last ? { version: s.version, scope: scope.value, window: s.window, metric: s.metric, driver: s.driver?.name ?? null, lead: s.lead, appliedAt: last.at, applied: [...applied], offset: link?.offset ?? 0 } : null
    }
  onScopeDispose(() => {
    clearInterval(reportHold)
    link?.dispose()
    link = null
    if (debugHook) delete debugHook.wall
  })

  const ready = computed(() => state.value !== null || error.value !== null)
  /** A live frame built at `at` is applied at `at` + the wall's frame lead (server clock), on a slow wall at the
   *  step after that, and while its tour runs, if that falls in the first seconds after a stop's cut, at the end
   *  of them (shared/tourCut.ts); never later than that long from now. Until the wall answered, the offset is
   *  unknown: frames apply at once. */
  const holdMs = (at: number) => {
    const s = link?.state
    if (!s) return 0
    const grid = stepGrid(s.lead)
    const due = frameDueAt(s.lead, at)
    const applyAt = touring ? dueAfterCut(stepAt(s.lead, due), due, touring) : due
    return Math.min(leadOf(s.lead, at) + Math.max(grid.before, grid.after) + (applyAt - due), applyAt - now())
  }
  return { state, error, share, connect, clock, root, view: { ready, holdMs, scope, setScope, window, metric } }
}

export type WallSync = ReturnType<typeof useWallSync>
