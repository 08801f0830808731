// The numerator and denominator behind an indicator, as the server computed them with its configured
// formulas (GET /api/indicators): the screen never recomputes a term with defaults of its own. Fetched
// again whenever the live figure moves, so the formula pop-up follows the KPI beside it.
import { onScopeDispose, ref, shallowRef, watch, type WatchSource } from 'vue'
import { getJson } from '../api'
import type { IndicatorTermsView } from '../../shared/api'
import type { IndicatorName } from '../../shared/indicators'
import type { Window } from '../../shared/protocol'

export type IndicatorTerm = IndicatorTermsView['indicators'][IndicatorName]

/** `at`: the grid and window to read; `changed`: anything that moves when the figure may have moved. */
export function useIndicatorTerms(at: () => { grid: string; window: Window }, name: IndicatorName, changed: WatchSource<unknown>) {
  const term = shallowRef<IndicatorTerm | null>(null)
  const error = ref<string | null>(null)
  let ctl: AbortController | null = null
  const load = async () => {
    ctl?.abort()
    const mine = (ctl = new AbortController())
    try {
      const res = await getJson<IndicatorTermsView>('/api/indicators', at(), mine.signal)
      term.value = res.indicators[name]
      error.value = null
    } catch (e) {
      if (!mine.signal.aborted) error.value = (e as Error).message
    }
  }
  watch([() => JSON.stringify(at()), changed], load, { immediate: true })
  onScopeDispose(() => ctl?.abort())
  return { term, error }
}
