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

/** The fields screens show (GET /api/cases CaseView); the server masks personal data. Times are RFC 3339. */
export interface CaseSummary {
  id: number
  source: string
  matter: string
  grid: string
  special?: string | null
  address?: string | null
  description: string
  reporterName?: string | null
  reporterPhone?: string | null
  state: string
  level: string
  light: string
  department?: string | null
  deadline?: string | null
  reportedAt: string
  closedAt?: string | null
  supervised?: boolean
  rating?: string | null
}

export interface CaseEventRow {
  id: number
  action: string
  from: string | null
  to: string
  level: string
  actor: string
  at: string
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
      detail.value = await getJson<CaseSummary & { events: CaseEventRow[] }>(`/api/cases/${v}`, undefined, mine.signal)
    } catch (e) {
      if (!mine.signal.aborted) error.value = (e as Error).message
    }
  }, { immediate: true })
  onScopeDispose(() => ctl?.abort())
  return { detail, error }
}

interface Catalogue {
  departments: { code: string; name: string }[]
  matters: { code: string; name: string; bigClassName: string }[]
}
let catalogue: Promise<{ matter: Map<string, string>; department: Map<string, string> }> | null = null

/** Matter and department names for case lists, loaded once and only when a list is first shown. */
export function useCatalogueNames() {
  const names = shallowRef<{ matter: Map<string, string>; department: Map<string, string> } | null>(null)
  catalogue ??= getJson<Catalogue>('/api/catalogue').then((c) => ({
    matter: new Map(c.matters.map((m) => [m.code, m.name])),
    department: new Map(c.departments.map((d) => [d.code, d.name])),
  }))
  catalogue.then((n) => (names.value = n)).catch(() => (catalogue = null))
  return {
    matter: (code: string) => names.value?.matter.get(code) ?? code,
    department: (code: string | null | undefined) => (code ? (names.value?.department.get(code) ?? code) : '—'),
  }
}
