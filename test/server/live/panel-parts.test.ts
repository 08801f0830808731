// A view's panels are built again only where their figures changed: what a commit did not touch is the very
// object of the last build, and every build equals the panels built from scratch.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { AT, buildTestServer, post, reportBody, type TestServer } from '../helpers'
import { PanelParts, buildPanels } from '../../../server/live/panels'

let s: TestServer
beforeAll(async () => (s = await buildTestServer({ tickMs: 60_000 })))
afterAll(async () => s.close())

const specialsOf = (row: number) => {
  const l = s.app.metrics.layout
  const out: number[] = []
  const stack = [row]
  while (stack.length) {
    const g = stack.pop()!
    if (l.isSpecial(g)) out.push(g)
    if (!l.isSpecial(row)) stack.push(...l.tree.children[g])
  }
  return out.sort((a, b) => a - b)
}

test.each(['410103', '410103001'])('scope %s: unchanged parts are reused, changed ones rebuilt, all as from scratch', async (scope) => {
  const engine = s.app.metrics
  const row = engine.layout.gridIndex(scope)
  const specials = specialsOf(row)
  const parts = new PanelParts(engine, row, 'today', specials)
  const first = parts.build()
  const again = parts.build()
  for (const k of Object.keys(first) as (keyof typeof first)[]) expect(again[k], k).toBe(first[k])

  const r = await post(s.app, '/api/cases', reportBody(AT.a1), s.keys.hotline)
  expect(r.statusCode, r.body).toBe(201)
  const after = parts.build()
  expect(after).toEqual(buildPanels(engine, row, 'today', specials))
  expect(after.kpis).not.toBe(again.kpis)
  expect(after.kpis.today.counters.received).toBe(again.kpis.today.counters.received + 1)
  expect(after.trend).not.toBe(again.trend)
  const next = parts.build()
  for (const k of Object.keys(after) as (keyof typeof after)[]) expect(next[k], k).toBe(after[k])
})
