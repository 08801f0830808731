// Validators for a district's grid geography: the fixture tests and `npm run grid:import` run the
// same checks. Pure (no I/O). Every problem names the offending feature by code and input index.
//
// Geometry is checked on a local equirectangular plane in metres (exact enough over a district).
// Per parent, one union of its children gives both the sibling overlap (Σ child areas − union area)
// and, with one difference against the parent, the part outside it and the uncovered gap; the
// costlier per-child and per-pair operations run only when those totals exceed the tolerance.
import polygonClipping, { type MultiPolygon as PcMulti, type Polygon as PcPolygon } from 'polygon-clipping'
import type { MultiPolygon, Polygon } from 'geojson'
import { SPECIAL_KINDS, levelOfCode, parentCodeOf, specialKindOfCode, type GridLevel } from './grid'

export interface GridFeature {
  code: string
  name: string
  level: GridLevel
  parent: string | null
  kind?: string | null
  geometry: Polygon | MultiPolygon
}

export type CheckName = 'count' | 'property' | 'code' | 'duplicate' | 'parent' | 'geometry' | 'containment' | 'overlap' | 'gap' | 'cover'

export interface Problem {
  check: CheckName
  /** The offending feature's code (null for whole-file problems such as counts). */
  code: string | null
  /** Its index in the input (-1 for whole-file problems). */
  index: number
  message: string
}

export interface CheckOptions {
  /** Exact number of grids per level (1–5); omit for a user's own boundaries. */
  expectedCounts?: Partial<Record<1 | 2 | 3 | 4 | 5, number>>
  /** Share of a child's area that must lie inside its parent. */
  minInside?: number
  /** Allowed sibling overlap, as a share of the parent's area. */
  overlapTolerance?: number
  /** Allowed uncovered part of a parent, as a share of its area. */
  gapTolerance?: number
  /** [minLon, minLat, maxLon, maxLat] every coordinate must lie in; null to skip. */
  extent?: [number, number, number, number] | null
}

export interface CheckReport {
  ok: boolean
  problems: Problem[]
}

/** Erqi's extent (DOMAIN.md §1) with a margin of ~2 km. */
export const ERQI_EXTENT: [number, number, number, number] = [113.48, 34.58, 113.7, 34.79]
export const DEFAULTS = { minInside: 0.999, overlapTolerance: 0.001, gapTolerance: 0.001 }

type Box = [number, number, number, number]
interface Shape {
  index: number
  code: string
  poly: PcMulti
  area: number
  box: Box
}

export function checkGrids(features: readonly GridFeature[], options: CheckOptions = {}): CheckReport {
  const opt = { ...DEFAULTS, extent: ERQI_EXTENT, ...options }
  const problems: Problem[] = []
  const report = (check: CheckName, f: GridFeature | null, index: number, message: string) =>
    problems.push({ check, code: f ? String(f.code) : null, index, message })

  if (opt.expectedCounts) {
    for (const [level, want] of Object.entries(opt.expectedCounts)) {
      const got = features.filter((f) => f.level === Number(level)).length
      if (got !== want) report('count', null, -1, `level ${level} has ${got} grids, expected ${want}`)
    }
  }

  const first = new Map<string, number>()
  features.forEach((f, i) => {
    if (!checkProperties(f, i, report)) return
    const seen = first.get(f.code)
    if (seen !== undefined) report('duplicate', f, i, `code ${f.code} is used again (first at #${seen})`)
    else first.set(f.code, i)
  })
  features.forEach((f, i) => {
    if (typeof f.code !== 'string' || f.level === 0 || !first.has(f.code) || first.get(f.code) !== i) return
    const p = f.parent === null ? undefined : first.get(f.parent)
    const want = f.level === 5 ? 3 : f.level - 1
    if (p === undefined) report('parent', f, i, `parent ${f.parent} does not exist`)
    else if (features[p].level !== want) report('parent', f, i, `parent ${f.parent} is level ${features[p].level}, expected level ${want}`)
  })

  // Geometry: valid shapes, projected to the plane.
  const plane = planeFor(features)
  const shapes = new Map<string, Shape>()
  features.forEach((f, i) => {
    const error = geometryError(f.geometry, opt.extent)
    if (error) return report('geometry', f, i, error)
    const poly = toPlanar(f.geometry, plane)
    const area = multiArea(poly)
    if (!(area > 0)) return report('geometry', f, i, 'polygon has no area')
    if (first.get(f.code) === i) shapes.set(f.code, { index: i, code: f.code, poly, area, box: boxOf(poly) })
  })

  const children = new Map<string, Shape[]>()
  const specials: [Shape, string][] = []
  for (const f of features) {
    const s = shapes.get(f.code)
    if (!s || features[s.index] !== f || f.parent === null || !shapes.has(f.parent)) continue
    if (f.level === 5) specials.push([s, f.parent])
    else if (f.level >= 1 && f.level <= 4) {
      const kids = children.get(f.parent)
      if (kids) kids.push(s)
      else children.set(f.parent, [s])
    }
  }
  const shapeReport = (check: CheckName, s: Shape, message: string) => report(check, features[s.index], s.index, message)
  const hasChild = new Set(features.filter((f) => f.level >= 1 && f.level <= 4).map((f) => f.parent))
  features.forEach((f, i) => {
    if (f.level >= 0 && f.level <= 3 && first.get(f.code) === i && !hasChild.has(f.code))
      report('parent', f, i, `level-${f.level} grid has no level-${f.level + 1} grids inside it`)
  })

  let uncoveredBound = 0
  const microUnions: PcMulti[] = []
  // polygon-clipping can throw on pathological input (e.g. rings touching themselves); such a
  // grid is reported rather than crashing the whole check.
  const guarded = (s: Shape, what: string, run: () => void) => {
    try {
      run()
    } catch (e) {
      shapeReport('geometry', s, `could not ${what}: ${(e as Error).message}`)
    }
  }
  for (const [parentCode, kids] of children) {
    const parent = shapes.get(parentCode)!
    guarded(parent, 'compare it with its children', () => {
      const r = checkFamily(parent, kids, opt, plane, shapeReport)
      uncoveredBound += r.gap
      if (features[parent.index].level === 3) microUnions.push(r.union)
    })
  }
  for (const [s, parentCode] of specials) {
    guarded(s, `compare it with its parent ${parentCode}`, () => {
      const inside = insideShare(s, shapes.get(parentCode)!)
      if (inside < opt.minInside) shapeReport('containment', s, `only ${pct(inside)} of it lies inside its parent ${parentCode}`)
    })
  }

  // Micro grids cover the district: the gaps at every level bound what they miss; only when that
  // bound exceeds the tolerance is the exact uncovered area computed.
  const district = [...shapes.values()].find((s) => features[s.index].level === 0)
  if (district && uncoveredBound > opt.gapTolerance * district.area && microUnions.length) {
    guarded(district, 'compare it with the micro grids', () => {
      const missed = multiArea(polygonClipping.difference(district.poly, ...microUnions))
      if (missed > opt.gapTolerance * district.area)
        shapeReport('cover', district, `micro grids leave ${m2(missed)} (${pct(missed / district.area)}) of the district uncovered`)
    })
  }
  problems.sort((a, b) => ORDER.indexOf(a.check) - ORDER.indexOf(b.check) || a.index - b.index)
  return { ok: problems.length === 0, problems }
}

const ORDER: CheckName[] = ['count', 'property', 'duplicate', 'code', 'parent', 'geometry', 'containment', 'overlap', 'gap', 'cover']

type Report = (check: CheckName, f: GridFeature | null, index: number, message: string) => void

function checkProperties(f: GridFeature, i: number, report: Report): boolean {
  if (typeof f.code !== 'string' || !f.code) return (report('property', f, i, 'code is missing'), false)
  if (typeof f.name !== 'string' || !f.name.trim()) report('property', f, i, 'name is missing')
  if (!Number.isInteger(f.level) || f.level < 0 || f.level > 5) return (report('property', f, i, `level ${f.level} is not 0–5`), false)
  const level = levelOfCode(f.code)
  if (level !== f.level) return (report('code', f, i, `code ${f.code} is not a well-formed level-${f.level} code (${codeShape(f.level)})`), false)
  if (f.level === 0) {
    if (f.parent !== null) report('parent', f, i, 'the district has no parent')
    return true
  }
  if (f.level === 5) {
    const kind = specialKindOfCode(f.code)
    if (!SPECIAL_KINDS.includes(f.kind as never)) report('property', f, i, `kind ${f.kind} is not one of ${SPECIAL_KINDS.join(', ')}`)
    else if (kind !== f.kind) report('code', f, i, `code ${f.code} is in the ${kind} range but kind is ${f.kind}`)
    if (/^0+$/.test(f.code.slice(8))) report('code', f, i, `code ${f.code} has sequence 0000`)
    return true
  }
  const street = Number(f.code.slice(6, 9))
  if (!((street >= 1 && street <= 199) || (street >= 400 && street <= 499)))
    report('code', f, i, `street part ${f.code.slice(6, 9)} is outside 001–199 and 400–499`)
  if (/^0+$/.test(f.code.slice(f.code.length - (f.level >= 3 ? 2 : 3)))) report('code', f, i, `code ${f.code} ends in a zero sequence`)
  if (f.parent !== parentCodeOf(f.code)) report('code', f, i, `code ${f.code} does not extend its parent ${f.parent}`)
  return true
}

const codeShape = (level: number) =>
  ['410103', '410103+SSS', '410103+SSS+CCC', '410103+SSS+CCC+GG', '410103+SSS+CCC+GG+MM', '4101039+K+NNNN'][level] ?? '?'

/** Checks one parent and its children; returns the gap and the children's union. */
function checkFamily(
  parent: Shape,
  kids: Shape[],
  opt: Required<Omit<CheckOptions, 'expectedCounts'>>,
  plane: Plane,
  report: (c: CheckName, s: Shape, m: string) => void,
) {
  const union = polygonClipping.union(kids[0].poly, ...kids.slice(1).map((k) => k.poly))
  const unionArea = multiArea(union)
  const outside = multiArea(polygonClipping.difference(union, parent.poly))
  const gap = Math.max(0, parent.area - (unionArea - outside))
  const smallest = Math.min(...kids.map((k) => k.area))
  if (outside > (1 - opt.minInside) * smallest) {
    for (const k of kids) {
      const inside = insideShare(k, parent)
      if (inside < opt.minInside) report('containment', k, `only ${pct(inside)} of it lies inside its parent ${parent.code}`)
    }
  }
  const overlap = kids.reduce((s, k) => s + k.area, 0) - unionArea
  if (overlap > opt.overlapTolerance * parent.area) {
    let named = false
    for (const [a, b] of overlappingPairs(kids)) {
      const both = multiArea(polygonClipping.intersection(a.poly, b.poly))
      if (both > (opt.overlapTolerance * parent.area) / 10) {
        report('overlap', a, `overlaps its sibling ${b.code} by ${m2(both)} (${pct(both / parent.area)} of ${parent.code})`)
        named = true
      }
    }
    if (!named) report('overlap', parent, `its children overlap by ${m2(overlap)} in all (${pct(overlap / parent.area)})`)
  }
  if (gap > opt.gapTolerance * parent.area) {
    const holes = polygonClipping.difference(parent.poly, union)
    const biggest = holes.map((p) => ({ p, a: multiArea([p]) })).sort((x, y) => y.a - x.a)[0]
    const centre = biggest && boxOf([biggest.p])
    const where = centre ? ` (largest piece ${m2(biggest.a)} around ${describePoint(plane.toLonLat((centre[0] + centre[2]) / 2, (centre[1] + centre[3]) / 2))})` : ''
    report('gap', parent, `its children leave ${m2(gap)} (${pct(gap / parent.area)}) uncovered${where}`)
  }
  return { gap, union }
}

function insideShare(child: Shape, parent: Shape): number {
  if (!boxesMeet(child.box, parent.box)) return 0
  return 1 - multiArea(polygonClipping.difference(child.poly, parent.poly)) / child.area
}

/** Sibling pairs whose boxes meet (sweep over sorted boxes). */
function overlappingPairs(kids: Shape[]): [Shape, Shape][] {
  const sorted = [...kids].sort((a, b) => a.box[0] - b.box[0])
  const out: [Shape, Shape][] = []
  for (let i = 0; i < sorted.length; i++)
    for (let j = i + 1; j < sorted.length && sorted[j].box[0] <= sorted[i].box[2]; j++)
      if (boxesMeet(sorted[i].box, sorted[j].box)) out.push(sorted[i].index < sorted[j].index ? [sorted[i], sorted[j]] : [sorted[j], sorted[i]])
  return out
}

const boxesMeet = (a: Box, b: Box) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]

// --- geometry ------------------------------------------------------------------------------------

/** A local plane (metres) centred on the features' coordinates. */
export function localPlane(lon0: number, lat0: number) {
  const ky = 110_574
  const kx = 111_320 * Math.cos((lat0 * Math.PI) / 180)
  return {
    lon0,
    lat0,
    toPlane: (lon: number, lat: number): [number, number] => [(lon - lon0) * kx, (lat - lat0) * ky],
    toLonLat: (x: number, y: number): [number, number] => [lon0 + x / kx, lat0 + y / ky],
  }
}
type Plane = ReturnType<typeof localPlane>

function planeFor(features: readonly GridFeature[]): Plane {
  const f = features.find((g) => g.level === 0) ?? features[0]
  const p = f?.geometry?.type === 'Polygon' ? f.geometry.coordinates?.[0]?.[0] : f?.geometry?.coordinates?.[0]?.[0]?.[0]
  return Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]) ? localPlane(Number(p[0]), Number(p[1])) : localPlane(0, 0)
}

const polygonsOf = (g: Polygon | MultiPolygon): number[][][][] => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates)

/** Why a geometry is unusable, or null: type, closed rings of ≥4 finite positions, extent, no self-crossing. */
export function geometryError(g: Polygon | MultiPolygon | null | undefined, extent: Box | null): string | null {
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon') || !Array.isArray(g.coordinates)) return `geometry must be a Polygon or MultiPolygon, got ${g?.type ?? 'none'}`
  const polys = polygonsOf(g)
  if (!polys.length) return 'geometry has no polygons'
  for (const poly of polys) {
    if (!Array.isArray(poly) || !poly.length) return 'a polygon has no rings'
    for (const ring of poly) {
      if (!Array.isArray(ring) || ring.length < 4) return 'a ring has fewer than 4 positions'
      for (const p of ring) {
        if (!Array.isArray(p) || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) return `a position is not a pair of finite numbers: ${JSON.stringify(p)}`
        if (extent && (p[0] < extent[0] || p[0] > extent[2] || p[1] < extent[1] || p[1] > extent[3])) return `position ${p[0]},${p[1]} lies outside the extent ${extent.join(',')}`
      }
      const a = ring[0]
      const z = ring[ring.length - 1]
      if (a[0] !== z[0] || a[1] !== z[1]) return 'a ring is not closed (first and last positions differ)'
      const cross = selfCrossing(ring)
      if (cross) return `a ring crosses itself near ${describePoint(cross)}`
    }
  }
  return null
}

function toPlanar(g: Polygon | MultiPolygon, plane: Plane): PcMulti {
  return polygonsOf(g).map((poly) => poly.map((ring) => ring.map(([lon, lat]) => plane.toPlane(lon, lat))))
}

function ringArea(ring: readonly number[][]): number {
  let s = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1])
  return Math.abs(s / 2)
}
/** Area of polygons whose first ring is the outer one and the rest are holes. */
export function multiArea(m: PcMulti): number {
  return m.reduce((s, poly: PcPolygon) => s + poly.reduce((t, ring, k) => t + (k === 0 ? 1 : -1) * ringArea(ring), 0), 0)
}

function boxOf(m: PcMulti): Box {
  const b: Box = [Infinity, Infinity, -Infinity, -Infinity]
  for (const poly of m) for (const [x, y] of poly[0]) ((b[0] = Math.min(b[0], x)), (b[1] = Math.min(b[1], y)), (b[2] = Math.max(b[2], x)), (b[3] = Math.max(b[3], y)))
  return b
}

/** A point where two non-adjacent edges of a closed ring cross, or null (sweep over edge boxes). */
function selfCrossing(ring: readonly number[][]): number[] | null {
  const n = ring.length - 1
  const edges = Array.from({ length: n }, (_, i) => i).sort((a, b) => Math.min(ring[a][0], ring[a + 1][0]) - Math.min(ring[b][0], ring[b + 1][0]))
  const orient = (p: number[], q: number[], r: number[]) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))
  for (let s = 0; s < n; s++) {
    const e = edges[s]
    const hi = Math.max(ring[e][0], ring[e + 1][0])
    for (let t = s + 1; t < n; t++) {
      const f = edges[t]
      if (Math.min(ring[f][0], ring[f + 1][0]) > hi) break
      if (Math.abs(e - f) <= 1 || Math.abs(e - f) === n - 1) continue
      const [a, b, c, d] = [ring[e], ring[e + 1], ring[f], ring[f + 1]]
      const o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b)
      if (o1 * o2 < 0 && o3 * o4 < 0) return a
    }
  }
  return null
}

const pct = (x: number) => `${(x * 100).toFixed(3)}%`
const m2 = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} m²`
const describePoint = (p: number[]) => `${p[0].toFixed(5)},${p[1].toFixed(5)}`

/** A readable report: one line per problem, capped. */
export function formatReport(report: CheckReport, max = 200): string {
  if (report.ok) return 'no problems found'
  const lines = report.problems.slice(0, max).map((p) => `  [${p.check}] ${p.code ?? '(file)'}${p.index >= 0 ? ` (feature #${p.index})` : ''}: ${p.message}`)
  if (report.problems.length > max) lines.push(`  … and ${report.problems.length - max} more`)
  return `${report.problems.length} problem(s):\n${lines.join('\n')}`
}
