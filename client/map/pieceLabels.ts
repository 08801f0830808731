// The label points each piece of a map in pieces draws: every label belongs to one piece and lies wholly
// inside it (labelPlace.ts), so no label is cut by a bezel or shown twice. Which piece, and where, depends on
// the camera, so the points are recomputed on every camera move, and a piece's source is given new data only
// when its points changed (a pan moves only the labels it carries across an edge). Pieces driven by other
// browsers of the wall count too (region.all): each browser reaches the same answer from the shared camera.
import type { GeoJSONSource, Map as MapLibre } from 'maplibre-gl'
import { labelSize, placeLabel, type LabelSize } from './labelPlace'
import { latOf, lngOf, mercX, mercY, type Camera, type MapRegion } from './pieces'
import { LABEL_PADDING, LABEL_TEXT } from './style'
import type { GridAtlas, MapLevel } from './useGridAtlas'

interface Label {
  i: number
  level: MapLevel
  /** Mercator x, y of the anchor. */
  x: number
  y: number
  size: LabelSize
}

export class PieceLabels {
  private readonly labels: Label[] = []
  /** For each piece of the whole map, its index among this browser's pieces (-1: another browser's). */
  private readonly own: number[]
  private readonly drawn: string[] = []

  /** `k`: the size token's scale (1 at 16 px), as the label layers use it. */
  constructor(private readonly atlas: GridAtlas, private readonly region: MapRegion, k: number) {
    for (const level of [1, 2] as const) {
      const t = LABEL_TEXT[level]
      for (const i of atlas.indices[level])
        this.labels.push({
          i, level, x: mercX(atlas.center[2 * i]), y: mercY(atlas.center[2 * i + 1]),
          size: labelSize(atlas.name[i], t.size * k, t.halo * k + LABEL_PADDING + 2),
        })
    }
    const all = region.all ?? region.pieces
    this.own = all.map((a) => region.pieces.findIndex((p) => p.vx === a.vx && p.vy === a.vy))
  }

  /** The label points of each of this browser's pieces at a camera. */
  points(cam: Camera) {
    const world = 512 * 2 ** cam.zoom
    const { width, height } = this.region
    const all = this.region.all ?? this.region.pieces
    const out = this.region.pieces.map(() => [] as ReturnType<typeof this.feature>[])
    for (const l of this.labels) {
      const at = placeLabel(width / 2 + (l.x - cam.x) * world, height / 2 + (l.y - cam.y) * world, l.size, all)
      const k = at ? this.own[at.piece] : -1
      if (at && k >= 0) out[k].push(this.feature(l, lngOf(cam.x + (at.x - width / 2) / world), latOf(cam.y + (at.y - height / 2) / world)))
    }
    return out.map((features) => ({ type: 'FeatureCollection' as const, features }))
  }

  /** Give each piece (maps in the region's order) its points at a camera, where they changed. */
  update(cam: Camera, maps: readonly MapLibre[]): void {
    this.points(cam).forEach((data, k) => {
      const source = maps[k]?.getSource<GeoJSONSource>('labels')
      if (!source) return
      const key = data.features.map((f) => `${f.id}:${f.geometry.coordinates.map((c) => c.toFixed(6))}`).join(' ')
      if (key === this.drawn[k]) return
      this.drawn[k] = key
      source.setData(data)
    })
  }

  private feature(l: Label, lng: number, lat: number) {
    const a = this.atlas
    return {
      type: 'Feature' as const,
      id: l.i,
      properties: { name: a.name[l.i], code: a.code[l.i], level: l.level },
      geometry: { type: 'Point' as const, coordinates: [lng, lat] },
    }
  }
}
