// The rows of the metrics tables: every grid node (in the stable grid order, so a row number IS the wire
// index), then departments, matter big classes and sources. Built once from the reference tables; a case's
// facts map to row numbers here, so the hot path works on integers only.
import { createHash } from 'node:crypto'
import type { Db } from '../db'
import { buildTree, DISTRICT_CODE, DISTRICT_NAME, type Grid, type GridLevel, type GridTree, type SpecialKind } from '../../shared/grid'
import { SOURCES } from '../../shared/protocol'

/** Grid nodes at or above this level also keep the cross panels (categories, sources, departments). */
export const CROSS_MAX_LEVEL = 2

export interface NamedCode {
  code: string
  name: string
}

export interface LayoutInput {
  grids: Grid[]
  departments: NamedCode[]
  /** Matter code → big class (code and name). */
  matters: { code: string; bigClass: string; bigClassName: string }[]
}

export class Layout {
  readonly tree: GridTree
  /** Number of grid nodes (district, levels 1–4, special); grid rows are 0..gridCount-1. */
  readonly gridCount: number
  readonly level: Uint8Array
  readonly departments: NamedCode[]
  readonly bigClasses: NamedCode[]
  readonly sources = SOURCES
  readonly deptBase: number
  readonly classBase: number
  readonly sourceBase: number
  readonly rows: number
  /** Cross row of a grid node at level ≤ CROSS_MAX_LEVEL, else -1. */
  readonly crossRow: Int32Array
  /** Grid index of each cross row. */
  readonly crossGrid: Int32Array
  /** Columns of a cross row: big classes (received), sources (received), departments (closedOnTime, dueClose). */
  readonly crossWidth: number
  readonly crossSourceBase: number
  readonly crossDeptBase: number
  /** Stable identity of the layout; a checkpoint taken over another layout is not reused. */
  readonly fingerprint: string
  private readonly deptIndex: Map<string, number>
  private readonly classIndex: Map<string, number>
  private readonly matterClass: Map<string, number>
  private readonly sourceIndex: Map<string, number>

  constructor(input: LayoutInput) {
    const grids = input.grids.some((g) => g.level === 0)
      ? input.grids
      : [...input.grids, { code: DISTRICT_CODE, name: DISTRICT_NAME, level: 0 as GridLevel, parent: null }]
    this.tree = buildTree(grids)
    this.gridCount = this.tree.grids.length
    this.level = Uint8Array.from(this.tree.grids, (g) => g.level)
    this.departments = [...input.departments].sort((a, b) => (a.code < b.code ? -1 : 1))
    const classes = new Map<string, string>()
    for (const m of input.matters) classes.set(m.bigClass, m.bigClassName)
    this.bigClasses = [...classes].map(([code, name]) => ({ code, name })).sort((a, b) => (a.code < b.code ? -1 : 1))
    this.deptIndex = new Map(this.departments.map((d, i) => [d.code, i]))
    this.classIndex = new Map(this.bigClasses.map((c, i) => [c.code, i]))
    this.matterClass = new Map(input.matters.map((m) => [m.code, this.classIndex.get(m.bigClass)!]))
    this.sourceIndex = new Map(SOURCES.map((s, i) => [s, i]))
    this.deptBase = this.gridCount
    this.classBase = this.deptBase + this.departments.length
    this.sourceBase = this.classBase + this.bigClasses.length
    this.rows = this.sourceBase + SOURCES.length

    this.crossRow = new Int32Array(this.gridCount).fill(-1)
    const cross: number[] = []
    for (let i = 0; i < this.gridCount; i++)
      if (this.level[i] <= CROSS_MAX_LEVEL) {
        this.crossRow[i] = cross.length
        cross.push(i)
      }
    this.crossGrid = Int32Array.from(cross)
    this.crossSourceBase = this.bigClasses.length
    this.crossDeptBase = this.crossSourceBase + SOURCES.length
    this.crossWidth = this.crossDeptBase + 2 * this.departments.length

    const h = createHash('sha1')
    for (const g of this.tree.grids) h.update(`${g.code}/${g.parent ?? ''};`)
    for (const d of this.departments) h.update(`d${d.code};`)
    for (const m of [...input.matters].sort((a, b) => (a.code < b.code ? -1 : 1))) h.update(`m${m.code}:${m.bigClass};`)
    this.fingerprint = h.digest('hex')
  }

  static fromDb(db: Db): Layout {
    const sql = db.$client
    const grids = (sql.prepare('SELECT code, name, level, parent, kind FROM grids').all() as (Grid & { kind: SpecialKind | null })[])
      .map((g) => (g.kind ? g : { code: g.code, name: g.name, level: g.level, parent: g.parent }))
    const departments = sql.prepare('SELECT code, name FROM departments').all() as NamedCode[]
    const matters = sql
      .prepare('SELECT code, big_class AS bigClass, big_class_name AS bigClassName FROM matters')
      .all() as LayoutInput['matters']
    return new Layout({ grids, departments, matters })
  }

  gridIndex(code: string | null | undefined): number {
    return code ? (this.tree.indexOf.get(code) ?? -1) : -1
  }
  deptRow(code: string | null | undefined): number {
    const i = code ? this.deptIndex.get(code) : undefined
    return i === undefined ? -1 : this.deptBase + i
  }
  /** Department index within the departments (not a row), or -1. */
  deptOf(code: string | null | undefined): number {
    return code ? (this.deptIndex.get(code) ?? -1) : -1
  }
  classOfMatter(matter: string): number {
    return this.matterClass.get(matter) ?? -1
  }
  classOfCode(bigClass: string): number {
    return this.classIndex.get(bigClass) ?? -1
  }
  sourceOf(source: string): number {
    return this.sourceIndex.get(source) ?? -1
  }
  isSpecial(gridIndex: number): boolean {
    return this.level[gridIndex] === 5
  }
  /** Ordinary ancestors of a grid node, itself first (a special grid is its own path: it overlays). */
  pathOf(gridIndex: number, out: number[]): number[] {
    out.length = 0
    if (gridIndex < 0) return out
    if (this.isSpecial(gridIndex)) {
      out.push(gridIndex)
      return out
    }
    for (let i = gridIndex; i >= 0; i = this.tree.parentIndex[i]) out.push(i)
    return out
  }
}
