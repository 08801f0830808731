// Every timer the client starts goes through here: it is cleared when its component unmounts and counted
// on the debug hook (when the page has it), so a wall that runs for weeks cannot accumulate forgotten intervals.
import { onScopeDispose } from 'vue'
import { tally } from '../debug'

export function useInterval(fn: () => void, ms: number): { stop: () => void } {
  let id: ReturnType<typeof setInterval> | null = setInterval(fn, ms)
  tally('timers', 1)
  const stop = () => {
    if (id === null) return
    clearInterval(id)
    id = null
    tally('timers', -1)
  }
  onScopeDispose(stop)
  return { stop }
}

/** A restartable one-shot timer; at most one pending at a time. */
export function useTimeout(): { start: (fn: () => void, ms: number) => void; clear: () => void } {
  let id: ReturnType<typeof setTimeout> | null = null
  const clear = () => {
    if (id === null) return
    clearTimeout(id)
    id = null
    tally('timers', -1)
  }
  const start = (fn: () => void, ms: number) => {
    clear()
    tally('timers', 1)
    id = setTimeout(() => {
      id = null
      tally('timers', -1)
      fn()
    }, ms)
  }
  onScopeDispose(clear)
  return { start, clear }
}
