// Validators for a district's grid geography: the fixture tests and `npm run grid:import` run the
// same checks. Pure (no I/O). Every problem names the offending feature by code and input index. What is
// particular to a district (its code, extent and street ranges) comes in as DistrictRules, so a user's own
// district validates with its own rules; the default is this deployment's district (shared/grid).
//
// Geometry is checked on one local plane in metres. Per parent, one union of its children gives
// the sibling overlap (Σ child areas − union area) and, with one difference against the parent,
// the part outside it and the uncovered gap; the costlier per-child and per-pair operations run
// only when those totals exceed the tolerance.
import polygonClipping from 'polygon-clipping'
import type { MultiPolygon, Polygon } from 'geojson'
import { CODE_LENGTH, DISTRICT_RULES, SPECIAL_KINDS, levelOfCode, parentCodeOf, specialKindOfCode, type DistrictRules, type GridLevel } from './grid'
import { type Box, type PlanarPolygon, type Plane, boxOf, boxesMeet, localPlane, multiArea, polygonsOf, selfCrossing, toPlanar } from './planar'

export interface GridFeature {
  code: string
  name: string
  level: GridLevel
  parent: string | null
  kind?: string | null
  geometry: Polygon | MultiPolygon
}

export type CheckName = 'count' | 'property' | 'duplicate' | 'code' | 'parent' | 'geometry' | 'containment' | 'overlap' | 'gap' | 'cover'
const ORDER: CheckName[] = ['count', 'property', 'duplicate', 'code', 'parent', 'geometry', 'containment', 'overlap', 'gap', 'cover']

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
  /** The district's code, extent and street ranges (default: this deployment's district). */
  district?: DistrictRules
}
type Options = Required<Omit<CheckOptions, 'expectedCounts'>>

export interface CheckReport {
  ok: boolean
  problems: Problem[]
}

export const DEFAULTS = { minInside: 0.999, overlapTolerance: 0.001, gapTolerance: 0.001 }

interface Shape {
  index: number
  code: string
  level: number
  poly: PlanarPolygon[]
  area: number
  box: Box
}
type Report = (check: CheckName, index: number, message: string) => void

export function checkGrids(features: readonly GridFeature[], options: CheckOptions = {}): CheckReport {
  const opt: Options = { ...DEFAULTS, district: DISTRICT_RULES, ...options }
  const problems: Problem[] = []
  const report: Report = (check, index, message) =>
    problems.push({ check, code: index >= 0 && features[index].code != null ? String(features[index].code) : null, index, message })
  for (const [level, want] of Object.entries(options.expectedCounts ?? {})) {
    const got = features.filter((f) => f.level === Number(level)).length
    if (got !== want) report('count', -1, `level ${level} has ${got} grids, expected ${want}`)
  }
  const first = checkTree(features, opt.district, report)
  const plane = planeFor(features)
  const shapes = new Map<string, Shape>()
  features.forEach((f, i) => {
    const error = geometryError(f.geometry, opt.district.extent)
    if (error) return report('geometry', i, error)
    const poly = toPlanar(f.geometry, plane)
    const area = multiArea(poly)
    if (!(area > 0)) return report('geometry', i, 'polygon has no area')
    if (first.get(f.code) === i) shapes.set(f.code, { index: i, code: f.code, level: f.level, poly, area, box: boxOf(poly) })
  })
  checkShapes(features, shapes, plane, opt, report)
  problems.sort((a, b) => ORDER.indexOf(a.check) - ORDER.indexOf(b.check) || a.index - b.index)
  return { ok: problems.length === 0, problems }
}

/** Properties, codes, duplicates, parents, children. Returns each usable code's first index. */
function checkTree(features: readonly GridFeature[], district: DistrictRules, report: Report): Map<string, number> {
  const first = new Map<string, number>()
  features.forEach((f, i) => {
    if (!checkProperties(f, i, district, report)) return
    const seen = first.get(f.code)
    if (seen !== undefined) report('duplicate', i, `code ${f.code} is used again (first at #${seen})`)
    else first.set(f.code, i)
  })
  const hasChild = new Set(features.filter((f) => f.level >= 1 && f.level <= 4).map((f) => f.parent))
  for (const [code, i] of first) {
    const f = features[i]
    if (f.level <= 3 && !hasChild.has(code)) report('parent', i, `level-${f.level} grid has no level-${f.level + 1} grids inside it`)
    if (f.level === 0) continue
    const p = f.parent === null ? undefined : first.get(f.parent)
    const want = f.level === 5 ? 3 : f.level - 1
    if (p === undefined) report('parent', i, `parent ${f.parent} does not exist`)
    else if (features[p].level !== want) report('parent', i, `parent ${f.parent} is level ${features[p].level}, expected level ${want}`)
  }
  return first
}

function checkProperties(f: GridFeature, i: number, district: DistrictRules, report: Report): boolean {
  if (typeof f.code !== 'string' || !f.code) return (report('property', i, 'code is missing'), false)
  if (typeof f.name !== 'string' || !f.name.trim()) report('property', i, 'name is missing')
  if (!Number.isInteger(f.level) || f.level < 0 || f.level > 5) return (report('property', i, `level ${f.level} is not 0–5`), false)
  if (levelOfCode(f.code, district.code) !== f.level)
    return (report('code', i, `code ${f.code} is not a well-formed level-${f.level} code (${codeShape(district.code)[f.level]})`), false)
  if (f.level === 0) {
    if (f.parent !== null) report('parent', i, 'the district has no parent')
  } else if (f.level === 5) {
    const kind = specialKindOfCode(f.code, district.code)
    if (!SPECIAL_KINDS.includes(f.kind as never)) report('property', i, `kind ${f.kind} is not one of ${SPECIAL_KINDS.join(', ')}`)
    else if (kind !== f.kind) report('code', i, `code ${f.code} is in the ${kind} range but kind is ${f.kind}`)
    if (/^0+$/.test(f.code.slice(CODE_LENGTH[0] + 2))) report('code', i, `code ${f.code} has sequence 0000`)
  } else {
    const part = f.code.slice(CODE_LENGTH[0], CODE_LENGTH[1])
    const street = Number(part)
    if (!district.streetRanges.some(([lo, hi]) => street >= lo && street <= hi))
      report('code', i, `street part ${part} is outside ${district.streetRanges.map(([lo, hi]) => `${three(lo)}–${three(hi)}`).join(' and ')}`)
    if (/^0+$/.test(f.code.slice(f.level >= 3 ? -2 : -3))) report('code', i, `code ${f.code} ends in a zero sequence`)
    if (f.parent !== parentCodeOf(f.code, district.code)) report('code', i, `code ${f.code} does not extend its parent ${f.parent}`)
  }
  return true
}
const codeShape = (d: string) => [d, `${d}+SSS`, `${d}+SSS+CCC`, `${d}+SSS+CCC+GG`, `${d}+SSS+CCC+GG+MM`, `${d}9+K+NNNN`]
const three = (n: number) => String(n).padStart(3, '0')

/** Containment, sibling overlap and gaps per parent, special grids in their parents, micro cover. */
function checkShapes(features: readonly GridFeature[], shapes: Map<string, Shape>, plane: Plane, opt: Options, report: Report) {
  const children = new Map<string, Shape[]>()
  const specials: [Shape, Shape][] = []
  for (const s of shapes.values()) {
    const parent = features[s.index].parent
    const p = parent === null ? undefined : shapes.get(parent)
    if (!p) continue
    if (s.level === 5) specials.push([s, p])
    else if (children.has(p.code)) children.get(p.code)!.push(s)
    else children.set(p.code, [s])
  }
  // polygon-clipping can throw on pathological input (e.g. rings touching themselves); such a
  // grid is reported rather than crashing the whole check.
  const guarded = (s: Shape, what: string, run: () => void) => {
    try {
      run()
    } catch (e) {
      report('geometry', s.index, `could not ${what}: ${(e as Error).message}`)
    }
  }
  let uncoveredBound = 0
  const microUnions: PlanarPolygon[][] = []
  for (const [code, kids] of children) {
    const parent = shapes.get(code)!
    guarded(parent, 'compare it with its children', () => {
      const r = checkFamily(parent, kids, opt, plane, report)
      uncoveredBound += r.gap
      if (parent.level === 3) microUnions.push(r.union)
    })
  }
  for (const [s, parent] of specials)
    guarded(s, `compare it with its parent ${parent.code}`, () => {
      const inside = insideShare(s, parent)
      if (inside < opt.minInside) report('containment', s.index, `only ${pct(inside)} of it lies inside its parent ${parent.code}`)
    })
  // Micro grids cover the district: the gaps at every level bound what they miss; only when that
  // bound exceeds the tolerance is the exact uncovered area computed.
  const district = [...shapes.values()].find((s) => s.level === 0)
  if (district && microUnions.length && uncoveredBound > opt.gapTolerance * district.area)
    guarded(district, 'compare it with the micro grids', () => {
      const missed = multiArea(polygonClipping.difference(district.poly, ...microUnions))
      if (missed > opt.gapTolerance * district.area)
        report('cover', district.index, `micro grids leave ${m2(missed)} (${pct(missed / district.area)}) of the district uncovered`)
    })
}

/** Checks one parent and its children; returns the gap and the children's union. */
function checkFamily(parent: Shape, kids: Shape[], opt: Options, plane: Plane, report: Report) {
  const union = polygonClipping.union(kids[0].poly, ...kids.slice(1).map((k) => k.poly))
  const unionArea = multiArea(union)
  const outside = multiArea(polygonClipping.difference(union, parent.poly))
  const gap = Math.max(0, parent.area - (unionArea - outside))
  // Each child's outside part is a piece of the union's: if that is below every child's allowance, all pass.
  if (outside > (1 - opt.minInside) * Math.min(...kids.map((k) => k.area))) {
    for (const k of kids) {
      const inside = insideShare(k, parent)
      if (inside < opt.minInside) report('containment', k.index, `only ${pct(inside)} of it lies inside its parent ${parent.code}`)
    }
  }
  const overlap = kids.reduce((s, k) => s + k.area, 0) - unionArea
  if (overlap > opt.overlapTolerance * parent.area) {
    let named = false
    for (const [a, b] of overlappingPairs(kids)) {
      const both = multiArea(polygonClipping.intersection(a.poly, b.poly))
      if (both > (opt.overlapTolerance * parent.area) / 10) {
        report('overlap', a.index, `overlaps its sibling ${b.code} by ${m2(both)} (${pct(both / parent.area)} of ${parent.code})`)
        named = true
      }
    }
    if (!named) report('overlap', parent.index, `its children overlap by ${m2(overlap)} in all (${pct(overlap / parent.area)})`)
  }
  if (gap > opt.gapTolerance * parent.area) {
    const pieces = polygonClipping.difference(parent.poly, union).map((p) => ({ box: boxOf([p]), a: multiArea([p]) }))
    const biggest = pieces.sort((x, y) => y.a - x.a)[0]
    const where = biggest ? ` (largest piece ${m2(biggest.a)} around ${lonLat(plane, biggest.box)})` : ''
    report('gap', parent.index, `its children leave ${m2(gap)} (${pct(gap / parent.area)}) uncovered${where}`)
  }
  return { gap, union }
}

function insideShare(child: Shape, parent: Shape): number {
  if (!boxesMeet(child.box, parent.box)) return 0
  return 1 - multiArea(polygonClipping.difference(child.poly, parent.poly)) / child.area
}

/** Sibling pairs whose boxes meet (sweep over sorted boxes), the lower input index first. */
function overlappingPairs(kids: Shape[]): [Shape, Shape][] {
  const sorted = [...kids].sort((a, b) => a.box[0] - b.box[0])
  const out: [Shape, Shape][] = []
  for (let i = 0; i < sorted.length; i++)
    for (let j = i + 1; j < sorted.length && sorted[j].box[0] <= sorted[i].box[2]; j++)
      if (boxesMeet(sorted[i].box, sorted[j].box)) out.push(sorted[i].index < sorted[j].index ? [sorted[i], sorted[j]] : [sorted[j], sorted[i]])
  return out
}

/** A plane centred on the district (or the first feature), so metres are true across the data. */
function planeFor(features: readonly GridFeature[]): Plane {
  const f = features.find((g) => g.level === 0) ?? features[0]
  const p = (f?.geometry?.type === 'Polygon' || f?.geometry?.type === 'MultiPolygon') && polygonsOf(f.geometry)?.[0]?.[0]?.[0]
  return Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]) ? localPlane(p[0], p[1]) : localPlane(0, 0)
}

/** Why a geometry is unusable, or null: type, closed rings of ≥ 4 finite positions, extent, no self-crossing. */
export function geometryError(g: Polygon | MultiPolygon | null | undefined, extent: Box | null): string | null {
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon') || !Array.isArray(g.coordinates))
    return `geometry must be a Polygon or MultiPolygon, got ${g?.type ?? 'none'}`
  const polys = polygonsOf(g)
  if (!polys.length) return 'geometry has no polygons'
  for (const poly of polys) {
    if (!Array.isArray(poly) || !poly.length) return 'a polygon has no rings'
    for (const ring of poly) {
      if (!Array.isArray(ring) || ring.length < 4) return 'a ring has fewer than 4 positions'
      for (const p of ring) {
        if (!Array.isArray(p) || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) return `a position is not a pair of finite numbers: ${JSON.stringify(p)}`
        if (extent && (p[0] < extent[0] || p[0] > extent[2] || p[1] < extent[1] || p[1] > extent[3]))
          return `position ${p[0]},${p[1]} lies outside the extent ${extent.join(',')}`
      }
      const [a, z] = [ring[0], ring[ring.length - 1]]
      if (a[0] !== z[0] || a[1] !== z[1]) return 'a ring is not closed (first and last positions differ)'
      const cross = selfCrossing(ring)
      if (cross) return `a ring crosses itself near ${cross[0].toFixed(5)},${cross[1].toFixed(5)}`
    }
  }
  return null
}

const pct = (x: number) => `${(x * 100).toFixed(3)}%`
const m2 = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} m²`
const lonLat = (plane: Plane, b: Box) => plane.toLonLat((b[0] + b[2]) / 2, (b[1] + b[3]) / 2).map((v) => v.toFixed(5)).join(',')

/** A readable report: one line per problem, capped. */
export function formatReport(report: CheckReport, max = 200): string {
  if (report.ok) return 'no problems found'
  const lines = report.problems
    .slice(0, max)
    .map((p) => `  [${p.check}] ${p.code ?? '(file)'}${p.index >= 0 ? ` (feature #${p.index})` : ''}: ${p.message}`)
  if (report.problems.length > max) lines.push(`  … and ${report.problems.length - max} more`)
  return `${report.problems.length} problem(s):\n${lines.join('\n')}`
}
