// useLiveScope: the live data of one scope and window as Vue refs, for any screen. A thin wrapper around
// LiveClient (which does the protocol: snapshot, deltas, resync on gap and reconnect, staleness). Every part
// of LiveState becomes a shallowRef replaced when the client names it as changed, never deep-reactive: the
// grid arrays are large and change in place. The parts are mirrored by key, so a new one needs no code here.
import { getCurrentScope, onScopeDispose, shallowRef, watch, type Ref, type ShallowRef } from 'vue'
import type { Window } from '../../shared/protocol'
import { LIVE_PARTS, LiveClient, type LiveClientOptions, type LivePart, type LiveState, type ScreenCommand } from './liveClient'

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
  /** Subscribe only once this holds (a wall's browser first learns where its wall points: no wasted snapshot). */
  ready?: Ref<boolean>
  /** A wall's browsers hold each delta until one apply-at moment (LiveClientOptions.holdMs). */
  holdMs?: LiveClientOptions['holdMs']
}

export type LiveRefs = { [K in LivePart]: ShallowRef<LiveState[K]> }

export function useLiveScope(scope: Ref<string>, window: Ref<Window>, opts: LiveScopeOptions = {}) {
  const onChange = (parts: ReadonlySet<LivePart>) => {
    for (const p of parts) (refs[p] as ShallowRef<unknown>).value = client[p]
  }
  const client: LiveClient = new LiveClient({
    url: opts.url, token: opts.token, staleMs: opts.staleMs, maxTicker: opts.maxTicker, maxAlerts: opts.maxAlerts,
    onFrame: opts.onFrame, holdMs: opts.holdMs, onChange,
  })
  const refs = Object.fromEntries(LIVE_PARTS.map((p) => [p, shallowRef(client[p])])) as LiveRefs

  const ready = opts.ready ?? shallowRef(true)
  const stop = watch([scope, window, ready], ([s, w, r]) => r && client.subscribe(s, w), { immediate: true })
  const dispose = () => {
    stop()
    client.dispose()
  }
  if (getCurrentScope()) onScopeDispose(dispose)

  return {
    ...refs,
    /** The connection (a wall's browser links to its wall over it: client/live/wallLink.ts). */
    socket: client.socket,
    /** Ask for a fresh snapshot now (it also happens by itself on a gap or a reconnect). */
    resync: () => client.resync(),
    /** When the next held live frame is due (Date.now() clock), or null (a wall's browsers hold frames). */
    frameDue: () => client.frameDue(),
    /** Drive a replay on this screen (or its wall): start, play, pause, step, seek, speed, stop. */
    command: (cmd: ScreenCommand) => client.command(cmd),
    dispose,
  }
}
