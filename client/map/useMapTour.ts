// The kiosk tour on the map: while the screen rests at its root scope, the map visits the root's children
// in turn (the district's 17 streets, or a street wall's communities) and returns to the root.
import { computed, type Ref } from 'vue'
import { levelOfCode } from '../../shared/grid'
import { useKioskTour } from './useKioskTour'
import type { GridAtlas, MapLevel } from './useGridAtlas'
import type { MapView } from './useMapView'
import type { TourClock } from '../wall/useWallSync'

export interface MapTourOptions {
  atlas: () => GridAtlas
  root: () => string
  scope: () => string
  /** The screen tours at all (the wall does, the tablet not). */
  tour: () => boolean
  active: () => boolean
  held: Ref<boolean>
  /** A wall's shared clock: the tour is the wall's (see useKioskTour). */
  clock?: TourClock | null
}

export function useMapTour(view: MapView, o: MapTourOptions) {
  const stops = computed(() => {
    const a = o.atlas()
    const root = o.root()
    const level = levelOfCode(root)
    if (level === null || level >= 4) return [] as number[]
    return [...a.indices[(level + 1) as MapLevel]].filter((i) => a.code[i].startsWith(root))
  })
  const touring = computed(() => o.tour() && o.scope() === o.root())
  const tour = useKioskTour({
    stops: computed(() => (touring.value ? stops.value.length : 0)),
    enabled: computed(() => touring.value && o.active()),
    held: o.held,
    clock: o.clock,
    go: (k, fly) => view.fit(k < 0 ? o.root() : o.atlas().code[stops.value[k]], { padding: view.padding() * 2, duration: fly ? 2500 : 0 }),
  })
  /** The grid the tour is showing, or -1. */
  const stopGrid = computed(() => (tour.stop.value >= 0 && tour.stop.value < stops.value.length ? stops.value[tour.stop.value] : -1))
  return { touring, paused: tour.paused, stopGrid }
}
