// A value that follows its source at most once per `ms` (trailing). Headline digits roll on this,
// so a burst of frames becomes one smooth roll instead of a flicker.
import { onScopeDispose, ref, watch, type Ref, type WatchSource } from 'vue'
import { tally } from '../debug'

export function useThrottled<T>(source: WatchSource<T>, ms: number, initial: T): Ref<T> {
  const out = ref(initial) as Ref<T>
  let last = 0
  let pending: ReturnType<typeof setTimeout> | null = null
  let latest: T = initial
  const flush = () => {
    if (pending !== null) {
      clearTimeout(pending)
      tally('timers', -1)
      pending = null
    }
    last = performance.now()
    out.value = latest
  }
  watch(
    source,
    (v) => {
      latest = v
      const wait = last + ms - performance.now()
      if (wait <= 0) flush()
      else if (pending === null) {
        tally('timers', 1)
        pending = setTimeout(flush, wait)
      }
    },
    { immediate: true },
  )
  onScopeDispose(() => {
    if (pending !== null) {
      clearTimeout(pending)
      tally('timers', -1)
    }
  })
  return out
}
