import { describe, expect, it } from 'vitest'
import { COUNTERS, type Counters } from '../../shared/counters'
import {
  DEFAULT_INDICATOR_CONFIG, FORMULAS, type IndicatorConfig, type IndicatorName, INDICATORS, indicators, rate, terms,
} from '../../shared/indicators'

/** Hand-made counters for a small district day; each indicator below is worked out by hand from them. */
const DAY: Counters = {
  ...(Object.fromEntries(COUNTERS.map((n) => [n, 0])) as Counters),
  received: 200, registered: 160, dispatched: 150, dispatchedAccurate: 141, dueHandle: 120, handled: 114,
  handledOnTime: 108, dueClose: 100, closed: 95, closedOnTime: 90, reworked: 4, overdueOpen: 6, warnedOpen: 9,
  extended: 3, rated: 80, satisfied: 70, basic: 5, contacted: 76, resolved: 72, open: 60,
}

describe('indicators per DOMAIN.md §3', () => {
  const r = indicators(DAY)
  it.each<[IndicatorName, number]>([
    ['registrationRate', 160 / 200], // 立案数 / 受理数 = 0.8
    ['dispatchRate', 150 / 160], // 派遣数 / 立案数 = 0.9375
    ['dispatchAccuracy', 141 / 150], // never re-dispatched / 派遣数 = 0.94
    ['handlingRate', 114 / 120], // 处置数 / 应处置数 = 0.95
    ['onTimeHandlingRate', 108 / 120], // 按期处置数 / 应处置数 = 0.9
    ['closureRate', 95 / 100], // 结案数 / 应结案数 = 0.95
    ['onTimeClosureRate', 90 / 100], // 按期结案数 / 应结案数 = 0.9
    ['reworkRate', 4 / 100], // 返工数 / 应结案数 = 0.04
    ['overdueRate', 6 / 120], // 超期未结 / 应处置数 = 0.05
    ['extensionRate', 3 / 120], // 延期数 / 应处置数 = 0.025
    ['satisfactionRate', 75 / 80], // (70 + 1·5) / 80 = 0.9375 with k = 1
    ['responseRate', 76 / 80], // 联系数 / 有效回访数 = 0.95
    ['resolutionRate', 72 / 80], // 已解决数 / 有效回访数 = 0.9
    ['threeRateComposite', 0.1 * 0.95 + 0.5 * 0.9 + 0.4 * 0.9375], // = 0.92
  ])('%s = %d', (name, expected) => {
    expect(r[name]).toBeCloseTo(expected, 12)
  })

  it('the composite is the worked figure', () => {
    expect(r.threeRateComposite).toBeCloseTo(0.92, 12)
  })

  it('every indicator has a formula and terms', () => {
    expect(Object.keys(FORMULAS).sort()).toEqual([...INDICATORS].sort())
    expect(Object.keys(r).sort()).toEqual([...INDICATORS].sort())
    expect(terms('closureRate', DAY)).toEqual([95, 100])
    expect(terms('satisfactionRate', DAY, { ...DEFAULT_INDICATOR_CONFIG, basicSatisfiedWeight: 0.9 })).toEqual([74.5, 80])
  })
})

describe('a zero denominator gives null — not 0, not 1', () => {
  const denominators: [IndicatorName, (keyof Counters)[]][] = [
    ['registrationRate', ['received']],
    ['dispatchRate', ['registered']],
    ['dispatchAccuracy', ['dispatched']],
    ['handlingRate', ['dueHandle']],
    ['onTimeHandlingRate', ['dueHandle']],
    ['closureRate', ['dueClose']],
    ['onTimeClosureRate', ['dueClose']],
    ['reworkRate', ['dueClose']],
    ['overdueRate', ['dueHandle']],
    ['extensionRate', ['dueHandle']],
    ['satisfactionRate', ['rated']],
    ['responseRate', ['rated']],
    ['resolutionRate', ['rated']],
    ['threeRateComposite', ['rated']],
  ]
  it.each(denominators)('%s is null when %j is 0', (name, zero) => {
    const c = { ...DAY }
    for (const z of zero) c[z] = 0
    const r = indicators(c)
    expect(r[name]).toBeNull()
    // Only the indicators sharing that denominator went null.
    const alsoNull = denominators.filter(([, d]) => d.some((x) => zero.includes(x))).map(([n]) => n)
    for (const n of INDICATORS) if (!alsoNull.includes(n)) expect(r[n]).not.toBeNull()
  })

  it('all null on empty counters', () => {
    const empty = Object.fromEntries(COUNTERS.map((n) => [n, 0])) as Counters
    for (const v of Object.values(indicators(empty))) expect(v).toBeNull()
  })

  it('a zero numerator over a real denominator is 0, not null', () => {
    expect(indicators({ ...DAY, closed: 0 }).closureRate).toBe(0)
    expect(rate(0, 5)).toBe(0)
    expect(rate(5, 0)).toBeNull()
    expect(rate(0, 0)).toBeNull()
  })
})

describe('configurable parts', () => {
  it.each([
    [1, (70 + 5) / 80],
    [0.9, (70 + 4.5) / 80],
    [0, 70 / 80],
  ])('基本满意 weight k = %d', (k, expected) => {
    expect(indicators(DAY, { ...DEFAULT_INDICATOR_CONFIG, basicSatisfiedWeight: k }).satisfactionRate).toBeCloseTo(expected, 12)
  })

  it('三率 weights', () => {
    const cfg: IndicatorConfig = { ...DEFAULT_INDICATOR_CONFIG, threeRateWeights: { response: 0.2, resolution: 0.3, satisfaction: 0.5 } }
    expect(indicators(DAY, cfg).threeRateComposite).toBeCloseTo(0.2 * 0.95 + 0.3 * 0.9 + 0.5 * 0.9375, 12)
    const k09: IndicatorConfig = { ...cfg, basicSatisfiedWeight: 0.9 }
    expect(indicators(DAY, k09).threeRateComposite).toBeCloseTo(0.2 * 0.95 + 0.3 * 0.9 + 0.5 * (74.5 / 80), 12)
  })

  it('延期率 denominator: 应处置数 or 应结案数', () => {
    expect(indicators(DAY).extensionRate).toBeCloseTo(3 / 120, 12)
    expect(indicators(DAY, { ...DEFAULT_INDICATOR_CONFIG, extensionDenominator: 'dueClose' }).extensionRate).toBeCloseTo(3 / 100, 12)
    expect(indicators({ ...DAY, dueClose: 0 }, { ...DEFAULT_INDICATOR_CONFIG, extensionDenominator: 'dueClose' }).extensionRate).toBeNull()
  })

  it('the defaults are k = 1, weights 0.1/0.5/0.4, 延期率 over 应处置数', () => {
    expect(DEFAULT_INDICATOR_CONFIG).toEqual({
      basicSatisfiedWeight: 1,
      threeRateWeights: { response: 0.1, resolution: 0.5, satisfaction: 0.4 },
      extensionDenominator: 'dueHandle',
    })
  })
})

describe('published headline figures', () => {
  it('reproduce 办结率 96.64% and 满意率 98.93% from counters', () => {
    // 289,000 cases: 应结案数 289,000, 结案数 279,290 → 96.64 %; 有效回访 100,000 with 98,930 satisfied → 98.93 %.
    const c = { ...DAY, dueClose: 289_000, closed: 279_290, rated: 100_000, satisfied: 98_930, basic: 0 }
    const r = indicators(c)
    expect(Math.round(r.closureRate! * 10_000) / 100).toBe(96.64)
    expect(Math.round(r.satisfactionRate! * 10_000) / 100).toBe(98.93)
  })
})
