// The live data of one screen: useLiveScope (client/live) behind a visibility gate. While the page is
// hidden nothing is applied (no chart or map work for nobody); when it is shown again the latest state
// is applied at once, the map in full since the deltas in between were skipped. The frame parts are gated
// by key (FRAME_PARTS), so a new part reaches the screens without code here.
import { onScopeDispose, shallowRef, watch, type Ref, type ShallowRef } from 'vue'
import { STALE_MS, type GridMetric, type Window } from '../../shared/protocol'
import { useLiveScope, type LiveScopeOptions } from '../live/useLiveScope'
import { FRAME_PARTS, type LiveState } from '../live/liveClient'
import { usePageVisible } from './usePageVisible'
import { debugHook } from '../debug'

export interface GridValuesView {
  values: Record<GridMetric, Int32Array> | null
  /** Indices changed since the previous view; null = everything may have changed. */
  changed: Int32Array | null
  version: number
}

type FramePart = (typeof FRAME_PARTS)[number]
type FrameRefs = { [K in FramePart]: ShallowRef<LiveState[K]> }

export function useScreenData(scope: Ref<string>, window: Ref<Window>, token?: string, wall?: Pick<LiveScopeOptions, 'ready' | 'holdMs'>) {
  // Frames come at least every HEARTBEAT_MS: STALE_MS of silence means the data is stale.
  const live = useLiveScope(scope, window, { token, staleMs: STALE_MS, ...wall })
  const visible = usePageVisible()
  const shown = Object.fromEntries(FRAME_PARTS.map((p) => [p, shallowRef(live[p].value)])) as FrameRefs
  const show = (p: FramePart) => ((shown[p] as ShallowRef<unknown>).value = live[p].value)
  for (const p of FRAME_PARTS)
    watch(live[p], () => {
      if (visible.value) show(p)
    })
  const grids = shallowRef<GridValuesView>({ values: null, changed: null, version: 0 })

  let frameArrived: () => void = () => {}
  /** Resolves with the first live frame: heavy work that can wait (the map's geometry) waits for it. */
  const firstFrame = new Promise<void>((r) => (frameArrived = r))
  const stopFirst = watch(live.panels, (p) => {
    if (!p) return
    if (debugHook) debugHook.firstFrameAt ??= performance.now()
    frameArrived()
    stopFirst()
  })
  // Every delta's `changed` list must reach the map. Deltas are merged synchronously and published once
  // per task, so two frames landing together cannot hide each other's changes.
  let pending: number[] | null = []
  let scheduled = false
  const publish = () => {
    scheduled = false
    if (!visible.value) {
      // Nothing is drawn while hidden: forget the changes and repaint everything when shown again.
      pending = null
      return
    }
    const g = live.grids.value
    grids.value = { values: g.values, changed: pending === null ? null : Int32Array.from(pending), version: g.version }
    pending = []
  }
  watch(live.grids, (g) => {
    if (g.changed === null) pending = null
    else if (pending !== null) for (let k = 0; k < g.changed.length; k++) pending.push(g.changed[k])
    if (!scheduled) {
      scheduled = true
      queueMicrotask(publish)
    }
  }, { flush: 'sync', immediate: true })
  watch(visible, (v) => {
    if (!v) return
    for (const p of FRAME_PARTS) show(p)
    pending = null
    publish()
  })

  if (debugHook) {
    // When each frame was applied, on the machine's clock (timeOrigin + now), and when the server built it: the
    // skew between a wall's browsers is measured from these (e2e, bench:client). Bounded: the last few hundred.
    const frames: { seq: number; at: number; built: number | null }[] = (debugHook.frames = [])
    watch(live.seq, (seq) => {
      frames.push({ seq, at: performance.timeOrigin + performance.now(), built: null })
      if (frames.length > 600) frames.splice(0, 100)
    }, { flush: 'sync' })
    // A frame's parts are published seq first (useLiveScope): its build time follows in the same task.
    watch(live.frameAt, (at) => {
      const last = frames.at(-1)
      if (last && last.built === null) last.built = at
    }, { flush: 'sync' })
  }
  if (debugHook)
    debugHook.live = () => ({
      status: live.status.value, seq: live.seq.value, lastFrameAt: live.lastFrameAt.value,
      scope: scope.value, window: window.value, frameAt: live.frameAt.value, replaying: live.replay.value !== null,
    })
  onScopeDispose(() => {
    live.dispose()
    if (debugHook) delete debugHook.live
  })
  if (debugHook) {
    // Frames that moved the screen's clock (live or replayed), for the e2e test's frames per second.
    debugHook.clockFrames = 0
    watch(live.frameAt, () => debugHook!.clockFrames!++)
  }
  return {
    status: live.status, lastFrameAt: live.lastFrameAt, seq: live.seq, error: live.error, ...shown, grids, visible, firstFrame, socket: live.socket,
    replay: live.replay, frameAt: live.frameAt, command: live.command, frameDue: live.frameDue,
  }
}
