// New cases pulse where they were reported. A fixed pool of marker elements per map piece is reused
// round-robin, so however many cases arrive the map never holds more than POOL extra DOM nodes a piece;
// the pulse itself is a CSS animation (no timers, no map repaints).
import { onScopeDispose, watch, type Ref } from 'vue'
import * as maplibregl from 'maplibre-gl'
import type { TickerItem } from '../../shared/protocol'

const POOL = 12

export function usePulses(maps: Ref<maplibregl.Map[]>, items: Ref<TickerItem[] | null>, scope: Ref<string>, active: Ref<boolean>) {
  const markers: maplibregl.Marker[][] = []
  let next = 0
  let lastId = -1

  const ensure = () => {
    if (markers.length) return
    for (const m of maps.value) {
      const pool: maplibregl.Marker[] = []
      for (let k = 0; k < POOL; k++) {
        const el = document.createElement('div')
        el.className = 'case-pulse'
        pool.push(new maplibregl.Marker({ element: el }).setLngLat([0, 0]).addTo(m))
      }
      markers.push(pool)
    }
  }

  watch(items, (list) => {
    if (!maps.value.length || !list?.length) return
    const fresh = list.filter((x) => x.id > lastId)
    if (!fresh.length) return
    const first = lastId < 0
    lastId = Math.max(lastId, ...fresh.map((x) => x.id))
    // The first batch is history, not news; a hidden or paused screen shows no pulses.
    if (first || !active.value) return
    ensure()
    for (const item of fresh.slice(-POOL)) {
      if (item.kind !== 'new' || !item.grid.startsWith(scope.value)) continue
      for (const pool of markers) {
        const marker = pool[next]
        marker.setLngLat([item.lon, item.lat])
        const el = marker.getElement()
        // Restart the CSS animation on a reused element.
        el.classList.remove('on')
        void el.offsetWidth
        el.classList.add('on')
      }
      next = (next + 1) % POOL
    }
  })

  onScopeDispose(() => {
    for (const m of markers.flat()) m.remove()
    markers.length = 0
  })
}
