// Case lists (GET /api/cases with filters) and one case with its event history (GET /api/cases/:id), in the
// response shapes the server declares (shared/api.ts).
// Each request is cancelled when its query changes or its component unmounts.
import { onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import { getJson } from '../api'
import type { CaseDetailView, CaseListView, CatalogueView } from '../../shared/api'

export interface CaseQuery {
  grid?: string
  states?: readonly string[]
  overdue?: boolean
  from?: number
  to?: number
  source?: string
  limit?: number
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
  const items = shallowRef<CaseListView['items']>([])
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
      const res = await getJson<CaseListView>('/api/cases', caseParams(q), mine.signal)
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
  const detail = shallowRef<CaseDetailView | null>(null)
  const error = ref<string | null>(null)
  let ctl: AbortController | null = null
  watch(id, async (v) => {
    ctl?.abort()
    detail.value = null
    error.value = null
    if (v === null) return
    const mine = (ctl = new AbortController())
    try {
      detail.value = await getJson<CaseDetailView>(`/api/cases/${v}`, undefined, mine.signal)
    } catch (e) {
      if (!mine.signal.aborted) error.value = (e as Error).message
    }
  }, { immediate: true })
  onScopeDispose(() => ctl?.abort())
  return { detail, error }
}

let catalogue: Promise<{ matter: Map<string, string>; department: Map<string, string> }> | null = null

/** Matter and department names for case lists, loaded once and only when a list is first shown. */
export function useCatalogueNames() {
  const names = shallowRef<{ matter: Map<string, string>; department: Map<string, string> } | null>(null)
  catalogue ??= getJson<CatalogueView>('/api/catalogue').then((c) => ({
    matter: new Map(c.matters.map((m) => [m.code, m.name])),
    department: new Map(c.departments.map((d) => [d.code, d.name])),
  }))
  catalogue.then((n) => (names.value = n)).catch(() => (catalogue = null))
  return {
    matter: (code: string) => names.value?.matter.get(code) ?? code,
    department: (code: string | null | undefined) => (code ? (names.value?.department.get(code) ?? code) : '—'),
  }
}
