// The wall's geometry as reactive state: the page (a plain monitor's window, or a profile's screens side by
// side), the size token, the layout, and the map's pieces. A plain monitor follows its window; a profile is
// fixed. The size token goes on the root element (a profile's is physical; a monitor's comes from CSS).
import { computed, onScopeDispose, ref, watchEffect, type Ref } from 'vue'
import { maxCanvasPx } from '../map/gpu'
import { splitRegion, type MapRegion } from '../map/pieces'
import { layoutFitted, type Rect } from './layout'
import { physicalRem, viewportRem, wallPage, type WallPage, type WallProfile } from './profile'

export function useWallLayout(profile: Ref<WallProfile | null | undefined>, browser: Ref<number | undefined>) {
  const size = ref({ width: window.innerWidth, height: window.innerHeight })
  const onResize = () => (size.value = { width: window.innerWidth, height: window.innerHeight })
  window.addEventListener('resize', onResize)
  onScopeDispose(() => window.removeEventListener('resize', onResize))

  const page = computed<WallPage>(() => {
    if (profile.value) return wallPage(profile.value, browser.value)
    const whole = { x: 0, y: 0, ...size.value }
    return { screens: [whole], bezel: { x: 0, y: 0 }, view: whole, pins: {} }
  })
  const asked = computed(() => (profile.value ? physicalRem(profile.value) : viewportRem(size.value.width, size.value.height)))
  const layout = computed(() => layoutFitted({ screens: page.value.screens, rem: asked.value, panels: page.value.panels, pins: page.value.pins }))
  const rem = computed(() => layout.value.rem)
  /** The map in pieces when it spans screens or is larger than the GPU draws; null for one canvas. */
  const region = computed<MapRegion | null>(() => {
    const map = layout.value.map
    const dpr = window.devicePixelRatio || 1
    const limit = maxCanvasPx()
    const screens = page.value.screens.filter((s) => overlaps(s, map))
    if (screens.length <= 1 && map.width * dpr <= limit && map.height * dpr <= limit) return null
    const r = splitRegion(map, page.value.screens, page.value.bezel, limit, dpr)
    // A browser that drives part of the wall draws only its own pieces (the others' share the camera).
    const view = page.value.view
    return { ...r, all: r.pieces, pieces: r.pieces.filter((p) => overlaps({ ...p.box, x: p.box.x + map.x, y: p.box.y + map.y }, view)) }
  })
  /** A key that changes when the map must be rebuilt (its pieces changed). */
  const regionKey = computed(() => (region.value ? JSON.stringify(region.value.pieces.map((p) => p.box)) : 'one'))

  watchEffect(() => {
    // A monitor's token comes from CSS unless the layout had to make type smaller to fit every panel.
    document.documentElement.style.fontSize = profile.value || rem.value < asked.value - 0.01 ? `${rem.value}px` : ''
  })
  onScopeDispose(() => (document.documentElement.style.fontSize = ''))
  return { page, rem, layout, region, regionKey }
}

export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}
