// Counters → indicators, exactly per DOMAIN.md §3. Pure. The only place a rate is computed:
// the server calls it, the client only formats what it gets. A zero denominator gives null ("no data").
import type { Counters } from './counters'

export interface IndicatorConfig {
  /** Weight of 基本满意 in the satisfaction rate: 0.9 Beijing-style, 1 or 0 elsewhere. */
  basicSatisfiedWeight: number
  /** Weights of the 12345 三率 composite: response, resolution, satisfaction. */
  threeRateWeights: { response: number; resolution: number; satisfaction: number }
  /** Denominator of the extension rate: 应处置数 (dueHandle) or 应结案数 (dueClose). */
  extensionDenominator: 'dueHandle' | 'dueClose'
}

export const DEFAULT_INDICATOR_CONFIG: IndicatorConfig = {
  basicSatisfiedWeight: 1,
  threeRateWeights: { response: 0.1, resolution: 0.5, satisfaction: 0.4 },
  extensionDenominator: 'dueHandle',
}

export const INDICATORS = [
  'registrationRate', 'dispatchRate', 'dispatchAccuracy', 'handlingRate', 'onTimeHandlingRate', 'closureRate',
  'onTimeClosureRate', 'reworkRate', 'overdueRate', 'extensionRate', 'satisfactionRate', 'responseRate',
  'resolutionRate', 'threeRateComposite',
] as const
export type IndicatorName = (typeof INDICATORS)[number]
export type Indicators = Record<IndicatorName, number | null>

/** A rate: null when there is nothing to divide by. */
export const rate = (numerator: number, denominator: number): number | null =>
  denominator > 0 ? numerator / denominator : null

/** Which counters make up each indicator: the formula a wall shows when a KPI is clicked. */
export const FORMULAS: Record<IndicatorName, { numerator: string; denominator: string; label: string }> = {
  registrationRate: { label: '立案率', numerator: '立案数', denominator: '受理数' },
  dispatchRate: { label: '派遣率', numerator: '派遣数', denominator: '立案数' },
  dispatchAccuracy: { label: '派遣准确率', numerator: '未改派的派遣数', denominator: '派遣数' },
  handlingRate: { label: '处置率', numerator: '处置数', denominator: '应处置数' },
  onTimeHandlingRate: { label: '按期处置率', numerator: '按期处置数', denominator: '应处置数' },
  closureRate: { label: '办结率', numerator: '结案数', denominator: '应结案数' },
  onTimeClosureRate: { label: '按期办结率', numerator: '按期结案数', denominator: '应结案数' },
  reworkRate: { label: '返工率', numerator: '返工数', denominator: '应结案数' },
  overdueRate: { label: '超期率', numerator: '超期未结数', denominator: '应处置数' },
  extensionRate: { label: '延期率', numerator: '延期数', denominator: '应处置数 / 应结案数 (配置)' },
  satisfactionRate: { label: '满意率', numerator: '满意 + k·基本满意', denominator: '有效回访数' },
  responseRate: { label: '响应率', numerator: '联系数', denominator: '有效回访数' },
  resolutionRate: { label: '解决率', numerator: '已解决数', denominator: '有效回访数' },
  threeRateComposite: { label: '三率综合', numerator: '加权(响应率, 解决率, 满意率)', denominator: '—' },
}

/** The numerator and denominator of one indicator, as numbers (for the "where does this come from" view). */
export function terms(name: IndicatorName, c: Counters, cfg: IndicatorConfig = DEFAULT_INDICATOR_CONFIG): [number, number] {
  switch (name) {
    case 'registrationRate': return [c.registered, c.received]
    case 'dispatchRate': return [c.dispatched, c.registered]
    case 'dispatchAccuracy': return [c.dispatchedAccurate, c.dispatched]
    case 'handlingRate': return [c.handled, c.dueHandle]
    case 'onTimeHandlingRate': return [c.handledOnTime, c.dueHandle]
    case 'closureRate': return [c.closed, c.dueClose]
    case 'onTimeClosureRate': return [c.closedOnTime, c.dueClose]
    case 'reworkRate': return [c.reworked, c.dueClose]
    case 'overdueRate': return [c.overdueOpen, c.dueHandle]
    case 'extensionRate': return [c.extended, c[cfg.extensionDenominator]]
    case 'satisfactionRate': return [c.satisfied + cfg.basicSatisfiedWeight * c.basic, c.rated]
    case 'responseRate': return [c.contacted, c.rated]
    case 'resolutionRate': return [c.resolved, c.rated]
    case 'threeRateComposite': return [NaN, c.rated]
  }
}

export function indicators(c: Counters, cfg: IndicatorConfig = DEFAULT_INDICATOR_CONFIG): Indicators {
  const out = {} as Indicators
  for (const name of INDICATORS) {
    if (name === 'threeRateComposite') continue
    const [n, d] = terms(name, c, cfg)
    out[name] = rate(n, d)
  }
  const w = cfg.threeRateWeights
  out.threeRateComposite =
    c.rated > 0
      ? w.response * out.responseRate! + w.resolution * out.resolutionRate! + w.satisfaction * out.satisfactionRate!
      : null
  return out
}
