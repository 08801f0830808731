// The tablet's wall control (大屏联动): a control key (entered once, kept for this browser tab in
// sessionStorage, never shown again), the hall's walls (GET /api/walls), where the chosen wall points and who
// drives it (GET /api/walls/:name/state, looked at while the panel is open), and what the tablet sends it
// (POST /api/walls/:name/drive), or a replay of last night on every browser of the wall (POST
// /api/walls/:name/replay). The server decides what a key may do; its refusal is shown in its words.
import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import type { WallStateView } from '../../shared/api'
import type { WallDrive } from '../../shared/conductor'
import type { GridMetric } from '../../shared/protocol'
import type { WallProfile } from '../../shared/wall'
import { callJson, getJson } from '../api'
import { useInterval } from '../composables/useTimers'
import { usePageVisible } from '../composables/usePageVisible'
import type { MapMetric } from '../map/style'
import { lastNight } from '../composables/useReplay'

const KEY = 'onescreen.control-key'
const WALL = 'onescreen.control-wall'
/** How often an open panel looks at the wall: another tablet may drive it, or it returns to its tour. */
const LOOK_MS = 3000

/** The tablet's map metric as the wall names it (density is the received count per km²). */
export const gridMetricOf = (m: MapMetric): GridMetric => (m === 'density' ? 'received' : m)

// sessionStorage can be unavailable (a locked-down kiosk browser): then the key lasts as long as the page.
const stored = (k: string) => {
  try {
    return sessionStorage.getItem(k)
  } catch {
    return null
  }
}
const store = (k: string, v: string | null) => {
  try {
    if (v === null) sessionStorage.removeItem(k)
    else sessionStorage.setItem(k, v)
  } catch {
    /* kept in memory only */
  }
}

export function useWallControl(open: Ref<boolean>) {
  const walls = shallowRef<string[]>([])
  const key = ref(stored(KEY))
  const wall = ref(stored(WALL))
  const state = shallowRef<WallStateView | null>(null)
  /** The server's refusal of the last send, or of looking at the wall (a bad key). */
  const refusal = ref<{ text: string; of: 'look' | 'send' } | null>(null)
  const busy = ref(false)
  const visible = usePageVisible()

  getJson<WallProfile[]>('/api/walls')
    .then((list) => {
      walls.value = list.map((w) => w.name)
      if (!wall.value || !walls.value.includes(wall.value)) wall.value = walls.value[0] ?? null
    })
    .catch((e: Error) => (refusal.value = { text: e.message, of: 'look' }))

  const path = (name: string, what: string) => `/api/walls/${encodeURIComponent(name)}/${what}`

  async function look(): Promise<void> {
    const name = wall.value
    const secret = key.value
    if (!name || !secret) return void (state.value = null)
    try {
      const s = await callJson<WallStateView>(path(name, 'state'), { token: secret })
      if (name !== wall.value) return
      state.value = s
      if (refusal.value?.of === 'look') refusal.value = null
    } catch (e) {
      if (name !== wall.value) return
      state.value = null
      refusal.value = { text: (e as Error).message, of: 'look' }
    }
  }

  async function send<T>(what: 'drive' | 'replay', body: object): Promise<T | null> {
    const name = wall.value
    if (!name || !key.value) return null
    busy.value = true
    refusal.value = null
    try {
      const answer = await callJson<T>(path(name, what), { token: key.value, body })
      void look()
      return answer
    } catch (e) {
      refusal.value = { text: (e as Error).message, of: 'send' }
      return null
    } finally {
      busy.value = false
    }
  }

  watch(wall, (w) => {
    store(WALL, w)
    state.value = null
  })
  watch([open, key, wall], () => open.value && void look(), { immediate: true })
  useInterval(() => open.value && visible.value && void look(), LOOK_MS)

  return {
    walls,
    wall,
    state,
    busy,
    refusal: computed(() => refusal.value?.text ?? null),
    /** Whether a key has been entered; the key itself is never handed out. */
    hasKey: computed(() => key.value !== null),
    setKey(secret: string) {
      const k = secret.trim()
      if (!k) return
      key.value = k
      store(KEY, k)
      refusal.value = null
    },
    forgetKey() {
      key.value = null
      store(KEY, null)
      state.value = null
      refusal.value = null
    },
    drive: (to: WallDrive) => send<unknown>('drive', to),
    /** Every browser of the wall replays last night (20:00–08:00) at 600×, as the wall's own 回放 menu offers. */
    replayLastNight: () => {
      const night = lastNight()
      const iso = (t: number) => new Date(t).toISOString()
      return send<unknown>('replay', { op: 'start', at: iso(night.at), ...(night.until === null ? {} : { until: iso(night.until) }), speed: 600 })
    },
    stopReplay: () => send<unknown>('replay', { op: 'stop' }),
  }
}

export type WallControl = ReturnType<typeof useWallControl>
