// A small district in an in-memory database, and a recorder that writes workflow steps through CaseLog the
// way the ingest does and returns the Changes the ingest would announce. Test helper for metrics and live.
import { openDb, type Db } from '../../../server/db'
import { CaseLog, type CaseFacts } from '../../../server/cases/log'
import type { Change } from '../../../server/metrics/engine'
import { decide, reduce, type CaseState, type Command } from '../../../shared/workflow'

export const DEPARTMENTS = [
  { code: 'D01', name: '城管局' },
  { code: 'D02', name: '住建局' },
  { code: 'D03', name: '市场监管局' },
]
export const MATTERS = [
  { code: '01001', bigClass: '01', bigClassName: '公用设施', department: 'D01' },
  { code: '01002', bigClass: '01', bigClassName: '公用设施', department: 'D02' },
  { code: '02001', bigClass: '02', bigClassName: '道路交通', department: 'D02' },
  { code: '10001', bigClass: '10', bigClassName: '市容环境', department: 'D01' },
  { code: '10002', bigClass: '10', bigClassName: '市容环境', department: 'D03' },
  { code: '11001', bigClass: '11', bigClassName: '宣传广告', department: 'D03' },
]

export interface WorldGrids {
  micro: string[]
  special: string[]
  streets: string[]
}

/** District 410103 → 2 streets → 2 communities each → 2 third-level grids each → 3 micro grids each; 3 specials. */
export function seedWorld(db: Db): WorldGrids {
  const sql = db.$client
  const ins = sql.prepare(
    `INSERT INTO grids (code, name, level, parent, kind, geometry, lon, lat, area) VALUES (?, ?, ?, ?, ?, '{}', 113.6, 34.7, 1)`,
  )
  const micro: string[] = []
  const streets: string[] = []
  const special: string[] = []
  db.$client.transaction(() => {
    ins.run('410103', '二七区', 0, null, null)
    for (const s of ['001', '002']) {
      const sc = `410103${s}`
      streets.push(sc)
      ins.run(sc, `街道${s}`, 1, '410103', null)
      for (const c of ['001', '002']) {
        const cc = sc + c
        ins.run(cc, `社区${s}${c}`, 2, sc, null)
        for (const g of ['01', '02']) {
          const gc = cc + g
          ins.run(gc, `网格${s}${c}${g}`, 3, cc, null)
          for (const m of ['01', '02', '03']) {
            ins.run(gc + m, `微网格${s}${c}${g}${m}`, 4, gc, null)
            micro.push(gc + m)
          }
        }
      }
    }
    ins.run('410103910001', '某企业', 5, '41010300100101', 'enterprise')
    ins.run('410103920001', '某学校', 5, '41010300200201', 'school')
    ins.run('410103940001', '某市场', 5, '41010300100202', 'market')
    special.push('410103910001', '410103920001', '410103940001')
    const dep = sql.prepare('INSERT INTO departments (code, name) VALUES (?, ?)')
    for (const d of DEPARTMENTS) dep.run(d.code, d.name)
    const mat = sql.prepare(
      `INSERT INTO matters (code, name, kind, big_class, big_class_name, small_class, small_class_name, department,
        limit_kind, limit_value, settle_level) VALUES (?, ?, '事件', ?, ?, ?, ?, ?, 'natural_days', 3, 'grid')`,
    )
    for (const m of MATTERS) mat.run(m.code, `事项${m.code}`, m.bigClass, m.bigClassName, m.code.slice(2), `小类${m.code}`, m.department)
  })()
  return { micro, special, streets }
}

export function openWorld(): { db: Db; grids: WorldGrids; recorder: Recorder } {
  const db = openDb(':memory:')
  const grids = seedWorld(db)
  return { db, grids, recorder: new Recorder(db) }
}

export interface NewCase {
  grid: string
  special?: string | null
  source: string
  matter: string
  at: number
  description?: string
  reporterName?: string | null
  reporterPhone?: string | null
}

/** Writes steps through CaseLog in one transaction each, like the ingest, and returns its Changes. */
export class Recorder {
  readonly log: CaseLog
  private readonly states = new Map<number, CaseState>()
  private readonly facts = new Map<number, CaseFacts>()

  constructor(readonly db: Db) {
    this.log = new CaseLog(db)
  }

  state(caseId: number): CaseState | undefined {
    return this.states.get(caseId)
  }

  report(c: NewCase): { caseId: number; changes: Change[] } {
    return this.log.transaction(() => {
      const caseId = this.log.newCaseId()
      const facts: CaseFacts = {
        externalId: null, source: c.source, matter: c.matter, grid: c.grid, special: c.special ?? null,
        lon: 113.6, lat: 34.7, address: null, description: c.description ?? '路灯不亮', reporterName: c.reporterName ?? null,
        reporterPhone: c.reporterPhone ?? null, mediaUrl: null,
      }
      const event = decide(caseId, null, { action: 'report', actor: 'test', at: c.at })
      const after = reduce(null, event)
      const id = this.log.appendEvent(event)
      this.log.insertProjection(caseId, facts, after, c.at, id)
      this.states.set(caseId, after)
      this.facts.set(caseId, facts)
      return { caseId, changes: [this.change(id, event, null, after, facts)] }
    })
  }

  act(caseId: number, cmd: Command): Change {
    return this.log.transaction(() => {
      const before = this.states.get(caseId)!
      const event = decide(caseId, before, cmd)
      const after = reduce(before, event)
      const id = this.log.appendEvent(event)
      this.log.updateProjection(caseId, before, after, cmd.at, id)
      this.states.set(caseId, after)
      return this.change(id, event, before, after, this.facts.get(caseId)!)
    })
  }

  private change(id: number, event: Change['event'], before: CaseState | null, after: CaseState, facts: CaseFacts): Change {
    const m = MATTERS.find((x) => x.code === facts.matter)!
    return { id, event, before, after, facts, matter: { code: m.code, bigClass: m.bigClass, department: m.department } }
  }
}
