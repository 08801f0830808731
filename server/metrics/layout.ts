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
  /** Matter code → big class (code and name) within its kind (部件 or 事件). */
  matters: { code: string; kind: string; bigClass: string; bigClassName: string }[]
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
    // Big-class codes restart in each kind (部件 01 公用设施, 事件 01 市容环境), so a class is kind + code; a
    // name used by both kinds (市容环境) says which one it is.
    const classes = new Map<string, { kind: string; name: string }>()
    for (const m of input.matters) classes.set(classKey(m), { kind: m.kind, name: m.bigClassName })
    const names = new Map<string, number>()
    for (const c of classes.values()) names.set(c.name, (names.get(c.name) ?? 0) + 1)
    this.bigClasses = [...classes]
      .map(([code, c]) => ({ code, name: names.get(c.name)! > 1 ? `${c.kind}·${c.name}` : c.name }))
      .sort((a, b) => (a.code < b.code ? -1 : 1))
    this.deptIndex = new Map(this.departments.map((d, i) => [d.code, i]))
    this.classIndex = new Map(this.bigClasses.map((c, i) => [c.code, i]))
    this.matterClass = new Map(input.matters.map((m) => [m.code, this.classIndex.get(classKey(m))!]))
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
    for (const m of [...input.matters].sort((a, b) => (a.code < b.code ? -1 : 1))) h.update(`m${m.code}:${classKey(m)};`)
    this.fingerprint = h.digest('hex')
  }

  static fromDb(db: Db): Layout {
    return new Layout(Layout.inputFromDb(db))
  }

  /** The reference rows a layout is built from (a live process gets them from its writer). */
  static inputFromDb(db: Db): LayoutInput {
    const sql = db.$client
    const grids = (sql.prepare('SELECT code, name, level, parent, kind FROM grids').all() as (Grid & { kind: SpecialKind | null })[])
      .map((g) => (g.kind ? g : { code: g.code, name: g.name, level: g.level, parent: g.parent }))
    const departments = sql.prepare('SELECT code, name FROM departments').all() as NamedCode[]
    const matters = sql
      .prepare('SELECT code, kind, big_class AS bigClass, big_class_name AS bigClassName FROM matters')
      .all() as LayoutInput['matters']
    return { grids, departments, matters }
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

/** A big class's key: its kind's digit (部件 1, 事件 2, as in matter codes) and its code. */
function classKey(m: { kind: string; bigClass: string }): string {
  return `${m.kind === '部件' ? 1 : 2}${m.bigClass}`
}
