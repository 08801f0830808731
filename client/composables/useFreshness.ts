// Whether the screen's data is fresh, shared with every panel frame through provide/inject so a lost
// connection greys out all panels at once with the time of the last frame.
import { computed, inject, provide, type ComputedRef, type InjectionKey, type Ref } from 'vue'
import { formatClock } from '../format'

export type LiveStatus = 'connecting' | 'live' | 'stale' | 'offline'
export interface Freshness {
  status: Ref<LiveStatus>
  stale: ComputedRef<boolean>
  /** HH:MM:SS of the last frame, or null before the first one. */
  asOf: ComputedRef<string | null>
  /** Why the server refused the subscription (e.g. a token outside its scope), if it did. */
  error: Ref<string | null>
}

const KEY: InjectionKey<Freshness> = Symbol('freshness')

export function provideFreshness(status: Ref<LiveStatus>, lastFrameAt: Ref<number | null>, error: Ref<string | null>): Freshness {
  const f: Freshness = {
    status,
    error,
    stale: computed(() => status.value === 'stale' || status.value === 'offline'),
    asOf: computed(() => (lastFrameAt.value === null ? null : formatClock(lastFrameAt.value))),
  }
  provide(KEY, f)
  return f
}

export function useFreshness(): Freshness | null {
  return inject(KEY, null)
}
