// The engine's indicators, in every grid node and window, against DOMAIN §3 computed straight from the event
// log (formulas.ts): random valid workflows, a non-default 基本满意 weight and the other 延期率 denominator.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MetricsEngine } from '../../../server/metrics/engine'
import { Layout } from '../../../server/metrics/layout'
import { indicators, type IndicatorConfig } from '../../../shared/indicators'
import { WINDOWS } from '../../../shared/protocol'
import { openWorld } from './world'
import { play, scenarioArb } from './scenario'
import { indicatorsByFormula } from './formulas'

const CONFIGS: IndicatorConfig[] = [
  { basicSatisfiedWeight: 1, threeRateWeights: { response: 0.1, resolution: 0.5, satisfaction: 0.4 }, extensionDenominator: 'dueHandle' },
  { basicSatisfiedWeight: 0.9, threeRateWeights: { response: 0.2, resolution: 0.3, satisfaction: 0.5 }, extensionDenominator: 'dueClose' },
]

describe('indicators against DOMAIN §3, without contribute()', () => {
  it('every grid node and window, on random valid workflows', () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom(...CONFIGS), (s, cfg) => {
        const w = openWorld()
        const engine = new MetricsEngine(Layout.fromDb(w.db), { now: () => s.now, indicators: cfg })
        play(s, w.grids, w.recorder, (changes) => engine.apply(changes))
        const want = indicatorsByFormula(w.db, s.now, {
          k: cfg.basicSatisfiedWeight, extensionOver: cfg.extensionDenominator, threeRate: cfg.threeRateWeights,
        })
        const wrong: string[] = []
        engine.layout.tree.grids.forEach((g, row) => {
          for (const win of WINDOWS) {
            const got = indicators(engine.countersOf(row, win), cfg) as Record<string, number | null>
            const exp = want.get(`${g.code}|${win}`)
            for (const [name, v] of Object.entries(got)) {
              const e = exp?.[name] ?? null
              if (e === null ? v !== null : v === null || Math.abs(v - e) > 1e-12) wrong.push(`${g.code} ${win} ${name}: engine ${v}, §3 ${e}`)
            }
          }
        })
        expect(wrong.slice(0, 10)).toEqual([])
        // The oracle must see cases, or it proves nothing.
        expect(want.size).toBeGreaterThan(0)
        w.db.$client.close()
      }),
      { numRuns: 60 },
    )
  })
})
