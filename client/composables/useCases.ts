// Case lists (GET /api/cases with filters) and one case with its event history (GET /api/cases/:id).
// Each request is cancelled when its query changes or its component unmounts.
import { onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import { getJson } from '../api'

export interface CaseQuery {
  grid?: string
  states?: string[]
  overdue?: boolean
  from?: number
  to?: number
  source?: string
  limit?: number
}

/** The fields screens show; the server masks personal data before it gets here. */
export interface CaseSummary {
  id: number
  source: string
  matter: string
  matterName?: string
  grid: string
  address?: string | null
  description: string
  reporterName?: string | null
  reporterPhone?: string | null
  state: string
  level: string
  light: 'green' | 'yellow' | 'red'
  department?: string | null
  departmentName?: string | null
  deadline?: number | null
  reportedAt: number
  closedAt?: number | null
  supervised?: boolean | number
}

export interface CaseEventRow {
  id: number
  action: string
  fromState: string | null
  toState: string
  level: string
  actor: string
  at: number
  reason?: string | null
}

export function caseParams(q: CaseQuery): Record<string, string | number | boolean | undefined> {
  return {
    grid: q.grid,
    state: q.states?.join(','),
    overdue: q.overdue,
    from: q.from === undefined ? undefined : new Date(q.from).toISOString(),
    to: q.to === undefined ? undefined : new Date(q.to).toISOString(),
    source: q.source,
    limit: q.limit ?? 50,
  }
}

export function useCaseList(query: Ref<CaseQuery | null>) {
  const items = shallowRef<CaseSummary[]>([])
  const total = ref(0)
  const loading = ref(false)
  const error = ref<string | null>(null)
  let ctl: AbortController | null = null
  const load = async (q: CaseQuery | null) => {
    ctl?.abort()
    items.value = []
    total.value = 0
    error.value = null
    if (!q) return
    const mine = (ctl = new AbortController())
    loading.value = true
    try {
      const res = await getJson<{ total: number; items: CaseSummary[] }>('/api/cases', caseParams(q), mine.signal)
      items.value = res.items
      total.value = res.total
    } catch (e) {
      if (!mine.signal.aborted) error.value = (e as Error).message
    } finally {
      if (ctl === mine) loading.value = false
    }
  }
  watch(query, load, { immediate: true, deep: true })
  onScopeDispose(() => ctl?.abort())
  return { items, total, loading, error, reload: () => load(query.value) }
}

export function useCaseDetail(id: Ref<number | null>) {
  const detail = shallowRef<(CaseSummary & { events: CaseEventRow[] }) | null>(null)
  const error = ref<string | null>(null)
  let ctl: AbortController | null = null
  watch(id, async (v) => {
    ctl?.abort()
    detail.value = null
    error.value = null
    if (v === null) return
    const mine = (ctl = new AbortController())
    try {
      detail.value = await getJson(`/api/cases/${v}`, undefined, mine.signal)
    } catch (e) {
      if (!mine.signal.aborted) error.value = (e as Error).message
    }
  }, { immediate: true })
  onScopeDispose(() => ctl?.abort())
  return { detail, error }
}
