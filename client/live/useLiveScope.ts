// useLiveScope: the live data of one scope and window as Vue refs, for any screen. A thin wrapper around
// LiveClient (which does the protocol: snapshot, deltas, resync on gap and reconnect, staleness). Everything
// is a shallowRef replaced per frame, never deep-reactive: the grid arrays are large and change in place.
import { getCurrentScope, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import type { AlertItem, Panels, TickerItem, Window } from '../../shared/protocol'
import { LiveClient, type GridView, type LiveClientOptions, type LivePart, type LiveStatus } from './liveClient'

export type { GridView, LiveStatus } from './liveClient'

export interface LiveScopeOptions {
  token?: string
  /** Server origin (default: the page's). */
  url?: string
  /** Seconds of silence before the screen says it is stale (default 12 s; the server beats every 5 s). */
  staleMs?: number
  maxTicker?: number
  maxAlerts?: number
  /** Diagnostics: see (and maybe drop) every raw frame. */
  onFrame?: LiveClientOptions['onFrame']
}

export function useLiveScope(scope: Ref<string>, window: Ref<Window>, opts: LiveScopeOptions = {}) {
  const status = ref<LiveStatus>('connecting')
  const lastFrameAt = ref<number | null>(null)
  const seq = ref(0)
  const error = ref<string | null>(null)
  const panels = shallowRef<Panels | null>(null)
  const alerts = shallowRef<AlertItem[]>([])
  const ticker = shallowRef<TickerItem[]>([])

  const onChange = (parts: ReadonlySet<LivePart>) => {
    const c = client
    status.value = c.status
    lastFrameAt.value = c.lastFrameAt
    if (parts.has('seq')) seq.value = c.seq
    if (parts.has('error')) error.value = c.error
    if (parts.has('panels')) panels.value = c.panels
    if (parts.has('grids')) grids.value = c.grids
    if (parts.has('alerts')) alerts.value = c.alerts
    if (parts.has('ticker')) ticker.value = c.ticker
  }
  const client: LiveClient = new LiveClient({
    url: opts.url, token: opts.token, staleMs: opts.staleMs, maxTicker: opts.maxTicker, maxAlerts: opts.maxAlerts,
    onFrame: opts.onFrame, onChange,
  })
  const grids = shallowRef<GridView>(client.grids)

  const stop = watch([scope, window], ([s, w]) => client.subscribe(s, w), { immediate: true })
  const dispose = () => {
    stop()
    client.dispose()
  }
  if (getCurrentScope()) onScopeDispose(dispose)

  return {
    status, lastFrameAt, seq, panels, grids, alerts, ticker, error,
    /** Ask for a fresh snapshot now (it also happens by itself on a gap or a reconnect). */
    resync: () => client.resync(),
    dispose,
  }
}
