// The deadline timer queue: turns a case's light yellow or red at the moment the crossing happens.
//
// Every open, timed case has at most two pending moments: its warn (80 % of the limit used) and its
// overdue (the first instant past the deadline, `overdueAt(deadline)`). They sit in one binary min-heap
// keyed by time, and only ONE real timer is armed, for the earliest entry; nothing scans the cases.
// An indexed heap (each entry knows its position) makes cancel and re-schedule O(log n) with no
// tombstones, so a week of extensions and closures cannot grow memory.
//
// Time and timers are injected so tests run on fake time. A crossing that is already in the past when
// scheduled (a restart after downtime) fires on the next turn, with `at` = when it really happened.
import { overdueAt } from '../../shared/timelimit'

export type DueKind = 'warn' | 'overdue'
export type OnDue = (caseId: number, kind: DueKind, at: number) => void

export interface DeadlineQueueOptions {
  now?: () => number
  setTimeout?: (fn: () => void, ms: number) => unknown
  clearTimeout?: (handle: unknown) => void
  /** Where an exception thrown by onDue goes; the queue keeps running either way. */
  onError?: (err: unknown, caseId: number, kind: DueKind) => void
}

interface Entry {
  at: number
  caseId: number
  kind: DueKind
  /** Position in the heap array; -1 once removed. */
  pos: number
}

/** Longest the queue fires due crossings in one go (ms). */
const FIRE_SLICE_MS = 10

/** Node's setTimeout cannot wait longer than 2^31−1 ms; longer waits re-arm on waking. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1

// Equal times: warn before overdue (a case goes yellow, then red), then by case for a stable order.
const before = (a: Entry, b: Entry) =>
  a.at - b.at || (a.kind === b.kind ? a.caseId - b.caseId : a.kind === 'warn' ? -1 : 1)

export class DeadlineQueue {
  private readonly heap: Entry[] = []
  private readonly byCase = new Map<number, { warn?: Entry; overdue?: Entry }>()
  private readonly now: () => number
  private readonly setTimer: (fn: () => void, ms: number) => unknown
  private readonly clearTimer: (handle: unknown) => void
  private readonly onError: (err: unknown, caseId: number, kind: DueKind) => void
  private onDue: OnDue | null = null
  private timer: unknown = null
  /** The time the armed timer was set for (null when none is armed). */
  private armedFor: number | null = null
  private firing = false

  constructor(opts: DeadlineQueueOptions = {}) {
    this.now = opts.now ?? (() => Date.now())
    // Looked up at call time, so fake timers installed after construction still apply.
    this.setTimer = opts.setTimeout ?? ((fn, ms) => setTimeout(fn, ms))
    this.clearTimer = opts.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>))
    this.onError = opts.onError ?? ((err, caseId, kind) => console.error(`deadline ${kind} of case ${caseId} failed:`, err))
  }

  /** Pending entries (warns and overdues). */
  get size(): number {
    return this.heap.length
  }

  get running(): boolean {
    return this.onDue !== null
  }

  /** The earliest pending entry, if any. */
  peek(): { caseId: number; kind: DueKind; at: number } | null {
    const e = this.heap[0]
    return e ? { caseId: e.caseId, kind: e.kind, at: e.at } : null
  }

  /** When a case's warn and overdue will fire (absent when not pending). */
  pending(caseId: number): { warn?: number; overdue?: number } {
    const slot = this.byCase.get(caseId)
    const out: { warn?: number; overdue?: number } = {}
    if (slot?.warn) out.warn = slot.warn.at
    if (slot?.overdue) out.overdue = slot.overdue.at
    return out
  }

  /**
   * Set a case's moments, replacing whatever it had (an extension simply schedules again). Pass null for a
   * crossing that must not fire: `warnAt` null when the case is already yellow, both null to stop timing.
   */
  schedule(caseId: number, warnAt: number | null, deadline: number | null): void {
    this.put(caseId, warnAt, deadline)
    this.arm()
  }

  /** Schedule many cases at once (start-up load, a commit's cases), each as schedule() would (both null: forget
   * it, as cancel()): one heap pass, one timer armed. */
  scheduleMany(items: Iterable<readonly [caseId: number, warnAt: number | null, deadline: number | null]>): void {
    for (const [caseId, warnAt, deadline] of items) this.put(caseId, warnAt, deadline)
    this.arm()
  }

  /** Forget a case (closed, voided, no longer timed). */
  cancel(caseId: number): void {
    this.drop(caseId)
    this.arm()
  }

  /**
   * Begin firing. Crossings already due fire on the next turn of the event loop. `together` runs each slice
   * of crossings that come due at once (one commit for all of them, instead of one each).
   */
  start(onDue: OnDue, together: (slice: () => void) => void = (slice) => slice()): void {
    this.onDue = onDue
    this.together = together
    this.disarm()
    this.arm()
  }

  /** Stop firing and clear the timer. Entries are kept; `start` resumes. */
  stop(): void {
    this.onDue = null
    this.disarm()
  }

  /** Drop every entry (and keep running if started). */
  clear(): void {
    this.heap.length = 0
    this.byCase.clear()
    this.arm()
  }

  // ---- internals --------------------------------------------------------------------------------

  private put(caseId: number, warnAt: number | null, deadline: number | null) {
    this.drop(caseId)
    const slot: { warn?: Entry; overdue?: Entry } = {}
    if (warnAt !== null && Number.isFinite(warnAt)) slot.warn = this.push(caseId, 'warn', warnAt)
    if (deadline !== null && Number.isFinite(deadline)) slot.overdue = this.push(caseId, 'overdue', overdueAt(deadline))
    if (slot.warn || slot.overdue) this.byCase.set(caseId, slot)
  }

  private drop(caseId: number) {
    const slot = this.byCase.get(caseId)
    if (!slot) return
    if (slot.warn) this.remove(slot.warn)
    if (slot.overdue) this.remove(slot.overdue)
    this.byCase.delete(caseId)
  }

  private together: (slice: () => void) => void = (slice) => slice()

  private fire = () => {
    this.timer = null
    this.armedFor = null
    this.firing = true
    try {
      this.together(this.fireSlice)
    } catch (err) {
      // The slice's commit failed: its crossings are not stored; the error goes where onDue's do.
      const top = this.heap[0]
      this.onError(err, top?.caseId ?? 0, top?.kind ?? 'warn')
    } finally {
      this.firing = false
      this.arm()
    }
  }

  private fireSlice = () => {
    const started = performance.now()
    const now = this.now()
    while (this.onDue && this.heap.length && this.heap[0].at <= now) {
      // Many crossings at once (an import of old open cases, a restart after downtime) must not hold the
      // event loop: after a slice, the rest fire on the next turn (arm() finds them due).
      if (performance.now() - started > FIRE_SLICE_MS) break
      const e = this.heap[0]
      this.remove(e)
      const slot = this.byCase.get(e.caseId)!
      delete slot[e.kind]
      if (!slot.warn && !slot.overdue) this.byCase.delete(e.caseId)
      try {
        this.onDue(e.caseId, e.kind, e.at)
      } catch (err) {
        this.onError(err, e.caseId, e.kind)
      }
    }
  }

  /** Keep exactly one timer, set for the earliest entry (none when stopped or empty). */
  private arm() {
    if (this.firing) return
    const top = this.heap[0]
    if (!this.onDue || !top) return this.disarm()
    if (this.armedFor === top.at && this.timer !== null) return
    this.disarm()
    const delay = Math.min(Math.max(0, top.at - this.now()), MAX_TIMER_DELAY)
    this.armedFor = top.at
    this.timer = this.setTimer(this.fire, delay)
    // The queue alone never keeps a process alive (tests, CLIs); the server has its sockets for that.
    ;(this.timer as { unref?: () => void } | null)?.unref?.()
  }

  private disarm() {
    if (this.timer !== null) this.clearTimer(this.timer)
    this.timer = null
    this.armedFor = null
  }

  // ---- the indexed binary min-heap ---------------------------------------------------------------

  private push(caseId: number, kind: DueKind, at: number): Entry {
    const e: Entry = { at, caseId, kind, pos: this.heap.length }
    this.heap.push(e)
    this.up(e.pos)
    return e
  }

  private remove(e: Entry) {
    const i = e.pos
    const last = this.heap.pop()!
    e.pos = -1
    if (last === e) return
    this.heap[i] = last
    last.pos = i
    this.up(i)
    this.down(last.pos)
  }

  private up(i: number) {
    const h = this.heap
    const e = h[i]
    while (i > 0) {
      const p = (i - 1) >> 1
      if (before(h[p], e) <= 0) break
      h[i] = h[p]
      h[i].pos = i
      i = p
    }
    h[i] = e
    e.pos = i
  }

  private down(i: number) {
    const h = this.heap
    const n = h.length
    const e = h[i]
    for (;;) {
      let c = 2 * i + 1
      if (c >= n) break
      if (c + 1 < n && before(h[c + 1], h[c]) < 0) c++
      if (before(h[c], e) >= 0) break
      h[i] = h[c]
      h[i].pos = i
      i = c
    }
    h[i] = e
    e.pos = i
  }
}
