// Compare a metrics engine with the naive recompute; returns the first mismatches (empty when equal).
import { COUNTERS } from '../../../shared/counters'
import { WINDOWS } from '../../../shared/protocol'
import type { MetricsEngine } from '../../../server/metrics/engine'
import type { Recomputed } from './recompute'

export function mismatches(engine: MetricsEngine, want: Recomputed, limit = 10): string[] {
  const out: string[] = []
  const l = engine.layout
  const check = (what: string, got: number, exp: number) => {
    if (got !== exp && out.length < limit) out.push(`${what}: engine ${got}, recompute ${exp}`)
  }
  const rows: [string, number][] = [
    ...l.tree.grids.map((g, i) => [g.code, i] as [string, number]),
    ...l.departments.map((d) => [`d:${d.code}`, l.deptRow(d.code)] as [string, number]),
    ...l.bigClasses.map((c, i) => [`c:${c.code}`, l.classBase + i] as [string, number]),
    ...l.sources.map((s, i) => [`s:${s}`, l.sourceBase + i] as [string, number]),
  ]
  for (const w of WINDOWS)
    for (const [key, row] of rows) {
      const got = engine.vector(row, w)
      const exp = want.counters.get(`${key}|${w}`)
      COUNTERS.forEach((name, k) => check(`${key} ${w} ${name}`, got[k], exp?.[k] ?? 0))
    }
  const hour = engine.hours.hour
  l.tree.grids.forEach((g, i) => {
    for (const col of [0, 1]) {
      const series = engine.hours.series(i, col)
      series.forEach((v, k) => {
        const h = hour - 47 + k
        check(`${g.code} hour ${h} col ${col}`, v, want.hours.get(`${g.code}|${h}`)?.[col] ?? 0)
      })
    }
  })
  for (const w of WINDOWS) {
    const t = engine.cross.window(w)
    l.crossGrid.forEach((g, k) => {
      const code = l.tree.grids[g].code
      const o = k * l.crossWidth
      l.bigClasses.forEach((c, j) => check(`${code} ${w} class ${c.code}`, t[o + j], want.cross.get(`${code}|${w}|class:${c.code}`) ?? 0))
      l.sources.forEach((s, j) => check(`${code} ${w} source ${s}`, t[o + l.crossSourceBase + j], want.cross.get(`${code}|${w}|source:${s}`) ?? 0))
      l.departments.forEach((d, j) => {
        check(`${code} ${w} onTime ${d.code}`, t[o + l.crossDeptBase + 2 * j], want.cross.get(`${code}|${w}|onTime:${d.code}`) ?? 0)
        check(`${code} ${w} dueClose ${d.code}`, t[o + l.crossDeptBase + 2 * j + 1], want.cross.get(`${code}|${w}|dueClose:${d.code}`) ?? 0)
      })
    })
  }
  return out
}
