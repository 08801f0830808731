// One map drawn as several MapLibre canvases ("pieces") that together show a single camera. Two reasons to
// split: the map spans physical screens, and the image must skip the pixels hidden behind each bezel (bezel
// compensation: a street edge stays straight across screens); or the map is larger than the GPU can draw in
// one canvas (MAX_TEXTURE_SIZE), so each piece stays within it and renders at full device resolution.
// Pure math (Web Mercator, MapLibre's 512 px world at zoom 0), tested in Node.
import type { Rect } from '../wall/layout'

export interface MapPiece {
  /** Where the piece's canvas sits, in CSS px relative to the map's box on the page. */
  box: Rect
  /** Its top-left in the map's virtual plane: page px plus every bezel crossed before it. */
  vx: number
  vy: number
}

export interface MapRegion {
  /** The map's size in the virtual plane (bezels included). */
  width: number
  height: number
  pieces: MapPiece[]
  /** Every piece of the map when a browser draws only some of them (`pieces`); labels are shared out among all. */
  all?: MapPiece[]
}

/**
 * Split the map's box (page px) at the screens' edges, then each part again until it fits `maxPx` device
 * pixels a side. `bezel` (px) is added to the virtual plane for every screen edge crossed.
 */
export function splitRegion(map: Rect, screens: Rect[], bezel: { x: number; y: number }, maxPx: number, dpr: number): MapRegion {
  const cutsX = [...new Set(screens.map((s) => s.x).filter((x) => x > map.x && x < map.x + map.width))].sort((a, b) => a - b)
  const cutsY = [...new Set(screens.map((s) => s.y).filter((y) => y > map.y && y < map.y + map.height))].sort((a, b) => a - b)
  const spans = (start: number, size: number, cuts: number[]) => {
    const edges = [start, ...cuts, start + size]
    return edges.slice(0, -1).flatMap((a, k) => limit(a, edges[k + 1] - a, maxPx / dpr).map((s) => ({ ...s, crossed: k })))
  }
  const xs = spans(map.x, map.width, cutsX)
  const ys = spans(map.y, map.height, cutsY)
  const pieces: MapPiece[] = []
  for (const y of ys)
    for (const x of xs)
      pieces.push({
        box: { x: x.start - map.x, y: y.start - map.y, width: x.size, height: y.size },
        vx: x.start - map.x + x.crossed * bezel.x,
        vy: y.start - map.y + y.crossed * bezel.y,
      })
  return { width: map.width + cutsX.length * bezel.x, height: map.height + cutsY.length * bezel.y, pieces }
}

/** Equal parts of a span, each at most `max` long (whole pixels). */
function limit(start: number, size: number, max: number): { start: number; size: number }[] {
  const n = Math.max(1, Math.ceil(size / Math.floor(max)))
  const out: { start: number; size: number }[] = []
  for (let k = 0; k < n; k++) {
    const a = Math.round(start + (k * size) / n)
    const b = Math.round(start + ((k + 1) * size) / n)
    out.push({ start: a, size: b - a })
  }
  return out
}

// ---- Web Mercator -------------------------------------------------------------------------------------

const TILE = 512
export interface Camera {
  /** Mercator x, y in [0, 1]. */
  x: number
  y: number
  zoom: number
}
export const mercX = (lng: number) => (lng + 180) / 360
export const mercY = (lat: number) => {
  const s = Math.sin((lat * Math.PI) / 180)
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)
}
export const lngOf = (x: number) => x * 360 - 180
export const latOf = (y: number) => (360 / Math.PI) * Math.atan(Math.exp((0.5 - y) * 2 * Math.PI)) - 90

/** The camera that fits a lon/lat box into a width × height view with `padding` px kept free. */
export function fitCamera(bbox: readonly [number, number, number, number], width: number, height: number, padding: number, maxZoom = 22): Camera {
  const x0 = mercX(bbox[0])
  const x1 = mercX(bbox[2])
  const y0 = mercY(bbox[3])
  const y1 = mercY(bbox[1])
  const w = Math.max(1, width - 2 * padding)
  const h = Math.max(1, height - 2 * padding)
  const zoom = Math.min(maxZoom, Math.log2(Math.min(w / ((x1 - x0) * TILE), h / ((y1 - y0) * TILE))))
  return { x: (x0 + x1) / 2, y: (y0 + y1) / 2, zoom }
}

/** The centre (lng, lat) a piece must show so that all pieces form one view of the region's camera. */
export function pieceCenter(cam: Camera, region: MapRegion, piece: MapPiece): [number, number] {
  const world = TILE * 2 ** cam.zoom
  const dx = piece.vx + piece.box.width / 2 - region.width / 2
  const dy = piece.vy + piece.box.height / 2 - region.height / 2
  return [lngOf(cam.x + dx / world), latOf(cam.y + dy / world)]
}

/** Between two cameras at t ∈ [0, 1] (eased by the caller): zoom linear, centre linear in Mercator. */
export function between(a: Camera, b: Camera, t: number): Camera {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t, zoom: a.zoom + (b.zoom - a.zoom) * t }
}
