// TEMPORARY development stand-in for client/live/useLiveScope.ts (written by the live-data engineer).
// Same interface; random but plausible data. Removed once the real module lands.
import { onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import { GRID_METRICS, SOURCES, WINDOWS, type AlertItem, type GridMetric, type Panels, type TickerItem, type Window } from '../../shared/protocol'
import { COUNTERS, type Counters } from '../../shared/counters'
import { indicators } from '../../shared/indicators'
import { useGridAtlas } from '../map/useGridAtlas'

const rnd = (n: number) => Math.floor(Math.random() * n)

function counters(scale: number): Counters {
  const c = Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Counters
  c.received = Math.round(289000 * scale)
  c.registered = Math.round(c.received * 0.98)
  c.dispatched = c.registered
  c.dispatchedAccurate = Math.round(c.dispatched * 0.97)
  c.dueClose = Math.round(c.registered * 0.97)
  c.closed = Math.round(c.dueClose * 0.9664)
  c.closedOnTime = Math.round(c.closed * 0.95)
  c.dueHandle = c.dueClose
  c.handled = c.closed
  c.rated = Math.round(c.closed * 0.8)
  c.satisfied = Math.round(c.rated * 0.9893)
  c.open = Math.round(c.received * 0.02) + 5
  c.overdueOpen = Math.round(c.open * 0.05)
  c.settledGrid = Math.round(c.closed * 0.62)
  c.settledCommunity = Math.round(c.closed * 0.24)
  c.settledStreet = Math.round(c.closed * 0.1)
  c.settledDistrict = Math.round(c.closed * 0.03)
  c.settledCity = c.closed - c.settledGrid - c.settledCommunity - c.settledStreet - c.settledDistrict
  return c
}

export function useLiveScope(scope: Ref<string>, window: Ref<Window>, _opts?: { token?: string }) {
  const status = ref<'connecting' | 'live' | 'stale' | 'offline'>('connecting')
  const lastFrameAt = ref<number | null>(null)
  const seq = ref(0)
  const panels = shallowRef<Panels | null>(null)
  const empty = Object.fromEntries(GRID_METRICS.map((m) => [m, new Int32Array(0)])) as Record<GridMetric, Int32Array>
  const grids = shallowRef({ values: empty, changed: null as Int32Array | null, version: 0 })
  const alerts = shallowRef<AlertItem[]>([])
  const ticker = shallowRef<TickerItem[]>([])
  let timer: ReturnType<typeof setInterval> | null = null
  let n = 1
  const { ready } = useGridAtlas()
  const start = async () => {
    const atlas = await ready
    const values = Object.fromEntries(GRID_METRICS.map((m) => [m, new Int32Array(atlas.size)])) as Record<GridMetric, Int32Array>
    for (let i = 0; i < atlas.size; i++) {
      const lv = atlas.level[i]
      const scale = lv === 1 ? 1000 : lv === 2 ? 100 : lv === 3 ? 12 : 2
      values.received[i] = rnd(scale * 20)
      values.open[i] = rnd(scale)
      values.overdue[i] = rnd(Math.max(1, scale / 10))
      values.closureRate[i] = 880 + rnd(120)
      values.satisfaction[i] = lv === 4 && Math.random() < 0.2 ? -1 : 930 + rnd(70)
    }
    const frame = () => {
      const now = Date.now()
      const kpis = Object.fromEntries(WINDOWS.map((w, k) => {
        const c = counters([0.0004, 0.003, 0.012, 1][k])
        return [w, { counters: c, indicators: indicators(c) }]
      })) as Panels['kpis']
      panels.value = {
        kpis,
        trend: { start: now - 47 * 3600_000, received: Array.from({ length: 48 }, () => 20 + rnd(60)), closed: Array.from({ length: 48 }, () => 15 + rnd(50)) },
        categories: ['市容环境', '街面秩序', '宣传广告', '施工管理', '园林绿化', '公用设施', '交通设施', '突发事件'].map((name, k) => ({ code: String(k), name, value: 900 - k * 90 + rnd(30) })),
        sources: Object.fromEntries(SOURCES.map((s, k) => [s, [120, 260, 800, 90, 60][k] + rnd(20)])) as Panels['sources'],
        ladder: [6200, 2400, 900, 300, 40],
        departments: ['城管局', '住建局', '市场监管局', '生态环境局', '交通运输局', '水利局', '园林局', '公安分局'].map((name, k) => ({ code: String(k), name, value: 990 - k * 12 - rnd(10), of: 400 + rnd(300) })),
        specials: { byKind: { enterprise: 220, school: 120, business: 90, market: 147 }, top: [{ code: '1', name: '郑州火车站商圈', value: 120 }, { code: '2', name: '德化街步行街', value: 88 }, { code: '3', name: '二七万达广场', value: 60 }] },
      }
      const changed: number[] = []
      for (let k = 0; k < 40; k++) {
        const i = rnd(atlas.size)
        values.received[i] += 1
        values.open[i] += 1
        changed.push(i)
      }
      grids.value = { values, changed: seq.value ? Int32Array.from(changed) : null, version: grids.value.version + 1 }
      if (Math.random() < 0.7) {
        const i = atlas.indices[4][rnd(atlas.indices[4].length)]
        const item: TickerItem = { id: n++, caseId: 100000 + n, at: now, kind: Math.random() < 0.7 ? 'new' : 'closed', matter: '暴露垃圾', grid: atlas.code[i], text: `${atlas.name[i]} 居民张*反映：路边暴露垃圾未及时清运 <b>x</b>`, lon: atlas.center[2 * i], lat: atlas.center[2 * i + 1] }
        ticker.value = [...ticker.value.slice(-49), item]
      }
      if (Math.random() < 0.1) {
        const i = atlas.indices[3][rnd(atlas.indices[3].length)]
        alerts.value = [{ id: n++, at: now, kind: (['yellow', 'red', 'supervise', 'spike'] as const)[rnd(4)], grid: atlas.code[i], gridName: atlas.name[i], caseId: 1234, text: '占道经营超过处置时限' }, ...alerts.value].slice(0, 30)
      }
      seq.value++
      lastFrameAt.value = now
      status.value = 'live'
    }
    frame()
    timer = setInterval(frame, 1000)
  }
  void start()
  watch([scope, window], () => (seq.value = 0))
  const dispose = () => {
    if (timer) clearInterval(timer)
    timer = null
  }
  onScopeDispose(dispose)
  return { status, lastFrameAt, seq, panels, grids, alerts, ticker, dispose }
}
