// The subtree this screen may see: the district, or the viewer token's grid (GET /api/viewer).
import { ref, type Ref } from 'vue'
import { DISTRICT_CODE } from '../../shared/grid'
import { getJson, pageToken } from '../api'

export function useViewer(): { root: Ref<string>; ready: Ref<boolean>; error: Ref<string | null> } {
  const root = ref(DISTRICT_CODE)
  const ready = ref(!pageToken())
  const error = ref<string | null>(null)
  if (!ready.value)
    getJson<{ scope: string }>('/api/viewer')
      .then((v) => (root.value = v.scope))
      .catch((e: Error) => (error.value = e.message))
      .finally(() => (ready.value = true))
  return { root, ready, error }
}
