// Grid values → colour classes → feature-state. Class breaks are fixed between recalibrations, so a
// delta only recolours the grids whose class actually changed, and each changed grid costs one
// setFeatureState call. Only the level on screen is painted; another level is caught up (one pass over
// its grids) when the zoom brings it on screen.
import type { Map as MapLibre } from 'maplibre-gl'
import type { GridMetric } from '../../shared/protocol'
import type { GridAtlas, MapLevel } from './useGridAtlas'
import { isRateMetric, RATE_BREAKS, sourceId, type MapMetric } from './style'

const CLASSES = 7
const UNSET = -3

/** The raw value the metric reads for grid i, or null for "no data". */
export function metricValue(metric: MapMetric, values: Record<GridMetric, Int32Array>, atlas: GridAtlas, i: number): number | null {
  switch (metric) {
    case 'density': {
      const a = atlas.areaKm2[i]
      return a > 0 ? values.received[i] / a : null
    }
    case 'closureRate':
      return values.closureRate[i] < 0 ? null : values.closureRate[i]
    case 'satisfaction':
      return values.satisfaction[i] < 0 ? null : values.satisfaction[i]
    default:
      return values[metric][i]
  }
}

/** Two significant digits, so legend labels stay readable (1,234 → 1,200; 0.0731 → 0.073). */
function nice(v: number): number {
  if (v <= 0) return 0
  const p = Math.pow(10, Math.floor(Math.log10(v)) - 1)
  return Math.round(v / p) * p
}

/** Up to CLASSES-1 increasing breaks at quantiles of the positive values. */
export function countBreaks(sample: number[]): number[] {
  const v = sample.filter((x) => x > 0).sort((a, b) => a - b)
  if (!v.length) return []
  const out: number[] = []
  for (let q = 1; q < CLASSES; q++) {
    const b = nice(v[Math.min(v.length - 1, Math.floor((q / CLASSES) * v.length))])
    if (b > 0 && (!out.length || b > out[out.length - 1])) out.push(b)
  }
  return out
}

/** The class of a value: the number of breaks at or below it (0 … breaks.length); -1 for no data. */
export function classOf(v: number | null, breaks: readonly number[]): number {
  if (v === null) return -1
  let c = 0
  while (c < breaks.length && v >= breaks[c]) c++
  return c
}

export class Choropleth {
  metric: MapMetric = 'density'
  scope = ''
  /** Breaks per map level (index 1–4). */
  breaks: number[][] = [[], [], [], [], []]
  private applied: Int8Array
  private values: Record<GridMetric, Int32Array> | null = null

  constructor(
    private readonly map: MapLibre,
    private readonly atlas: GridAtlas,
    public level: MapLevel,
  ) {
    this.applied = new Int8Array(atlas.size).fill(UNSET)
  }

  setValues(values: Record<GridMetric, Int32Array> | null): void {
    this.values = values
  }

  /** Recompute every level's breaks from the values in scope (rates use fixed breaks). */
  calibrate(): void {
    const { atlas, values } = this
    if (!values) return
    for (const level of [1, 2, 3, 4] as MapLevel[]) {
      if (isRateMetric(this.metric)) {
        this.breaks[level] = RATE_BREAKS
        continue
      }
      const sample: number[] = []
      for (const i of atlas.indices[level]) {
        if (!atlas.code[i].startsWith(this.scope)) continue
        const v = metricValue(this.metric, values, atlas, i)
        if (v !== null) sample.push(v)
      }
      this.breaks[level] = countBreaks(sample)
    }
  }

  /** Paint the given grids (or every grid of the level on screen); returns how many states were set. */
  paint(indices: ArrayLike<number> | null): number {
    const { atlas, values, map, level } = this
    if (!values) return 0
    const list = indices ?? atlas.indices[level]
    const breaks = this.breaks[level]
    const source = sourceId(level)
    let set = 0
    for (let k = 0; k < list.length; k++) {
      const i = list[k]
      if (atlas.level[i] !== level) continue
      const c = classOf(metricValue(this.metric, values, atlas, i), breaks)
      if (c === this.applied[i]) continue
      this.applied[i] = c
      map.setFeatureState({ source, id: i }, { b: c })
      set++
    }
    return set
  }

  /** Grids of the level on screen that carry a colour class (not "no data", not unpainted). */
  coloured(): number {
    let n = 0
    for (const i of this.atlas.indices[this.level]) if (this.applied[i] >= 0) n++
    return n
  }
}
