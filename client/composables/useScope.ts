// The screen's scope (a grid code; the district for all) lives in the URL (?scope=), so drill-down,
// the breadcrumb and the browser's back button agree, and a kiosk URL can pin a street.
import { computed, type ComputedRef, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'

export function useScope(root: Ref<string>): { scope: ComputedRef<string>; setScope: (code: string) => void } {
  const route = useRoute()
  const router = useRouter()
  const scope = computed(() => {
    const asked = typeof route.query.scope === 'string' ? route.query.scope : ''
    // A viewer limited to a subtree can never leave it.
    return asked && asked.startsWith(root.value) ? asked : root.value
  })
  const setScope = (code: string) => {
    if (code === scope.value) return
    const query = { ...route.query }
    if (code === root.value) delete query.scope
    else query.scope = code
    void router.push({ query })
  }
  return { scope, setScope }
}
