// A red alert (a case gone overdue, a spike) takes over the screen for a few seconds: the map flies to
// its grid and the tour holds. At most one takeover per cooldown, so a burst of alerts cannot turn the
// wall into a strobe; the rest stay in the alert list.
import { ref, watch, type Ref } from 'vue'
import type { AlertItem } from '../../shared/protocol'
import { useTimeout } from './useTimers'

export function useTakeover(alerts: Ref<AlertItem[] | null>, active: Ref<boolean>, o: { showMs?: number; cooldownMs?: number } = {}) {
  const current = ref<AlertItem | null>(null)
  const timer = useTimeout()
  let lastId: number | null = null
  let lastShown = -Infinity

  watch(alerts, (list) => {
    if (!list?.length) return
    const max = Math.max(...list.map((a) => a.id))
    // The first list is the screen's history, not news.
    if (lastId === null) {
      lastId = max
      return
    }
    const fresh = list.filter((a) => a.id > lastId! && (a.kind === 'red' || a.kind === 'spike'))
    lastId = Math.max(lastId, max)
    if (!fresh.length || !active.value || current.value) return
    if (performance.now() - lastShown < (o.cooldownMs ?? 45_000)) return
    current.value = fresh.sort((a, b) => (a.kind === 'spike' ? -1 : 0) - (b.kind === 'spike' ? -1 : 0) || b.id - a.id)[0]
    lastShown = performance.now()
    timer.start(() => (current.value = null), o.showMs ?? 8000)
  })

  const dismiss = () => {
    timer.clear()
    current.value = null
  }
  return { current, dismiss }
}
