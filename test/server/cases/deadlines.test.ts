import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DeadlineQueue, type DueKind, MAX_TIMER_DELAY } from '../../../server/cases/deadlines'

/** A hand-driven clock and timer: counts how many real timers exist and when they are set for. */
function fakeTime(start = 1_000_000) {
  let now = start
  let nextId = 1
  const timers = new Map<number, { at: number; fn: () => void }>()
  let setCalls = 0
  return {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => {
      setCalls++
      const id = nextId++
      timers.set(id, { at: now + ms, fn })
      return id
    },
    clearTimeout: (h: unknown) => void timers.delete(h as number),
    get armed() {
      return timers.size
    },
    get armedAt() {
      return [...timers.values()].map((t) => t.at)
    },
    get setCalls() {
      return setCalls
    },
    /** Move time forward, running timers in order as they come due. */
    advance(ms: number) {
      const end = now + ms
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0]
        if (!due) break
        timers.delete(due[0])
        now = Math.max(now, due[1].at)
        due[1].fn()
      }
      now = end
    },
  }
}

type Fired = [number, DueKind, number]

function setup(start = 1_000_000) {
  const t = fakeTime(start)
  const fired: Fired[] = []
  const q = new DeadlineQueue({ now: t.now, setTimeout: t.setTimeout, clearTimeout: t.clearTimeout })
  return { t, q, fired, onDue: (id: number, kind: DueKind, at: number) => void fired.push([id, kind, at]) }
}

describe('DeadlineQueue', () => {
  it('fires warn at warnAt and overdue just past the deadline, each at its moment', () => {
    const { t, q, fired, onDue } = setup()
    q.schedule(1, 1_000_800, 1_001_000)
    q.start(onDue)
    expect(t.armed).toBe(1)
    expect(t.armedAt).toEqual([1_000_800])
    t.advance(799)
    expect(fired).toEqual([])
    t.advance(1)
    expect(fired).toEqual([[1, 'warn', 1_000_800]])
    t.advance(200) // now = deadline: still on time
    expect(fired).toHaveLength(1)
    t.advance(1)
    expect(fired).toEqual([
      [1, 'warn', 1_000_800],
      [1, 'overdue', 1_001_001],
    ])
    expect(q.size).toBe(0)
    expect(t.armed).toBe(0)
  })

  it('arms only one real timer, for the earliest entry, however many cases there are', () => {
    const { t, q, onDue } = setup()
    q.start(onDue)
    for (let i = 0; i < 500; i++) q.schedule(i, 1_000_000 + 10_000 - i, 1_000_000 + 20_000 + i)
    expect(t.armed).toBe(1)
    expect(t.armedAt).toEqual([1_000_000 + 10_000 - 499])
    expect(q.peek()).toEqual({ caseId: 499, kind: 'warn', at: 1_000_000 + 10_000 - 499 })
  })

  it('fires many cases in time order, with warn before overdue at equal times', () => {
    const { t, q, fired, onDue } = setup(0)
    const expected: Fired[] = []
    // Deterministic pseudo-random times; several cases share moments.
    let x = 7
    const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) % 5000
    for (let id = 1; id <= 2000; id++) {
      const w = 1 + rnd()
      const d = w + rnd()
      q.schedule(id, w, d)
      expected.push([id, 'warn', w], [id, 'overdue', d + 1])
    }
    q.start(onDue)
    t.advance(20_000)
    const order = (a: Fired, b: Fired) => a[2] - b[2] || (a[1] === b[1] ? a[0] - b[0] : a[1] === 'warn' ? -1 : 1)
    expect(fired).toEqual(expected.sort(order))
    expect(q.size).toBe(0)
  })

  it('cancel removes both entries of a case and re-arms for the next one', () => {
    const { t, q, fired, onDue } = setup()
    q.start(onDue)
    q.schedule(1, 1_000_100, 1_000_200)
    q.schedule(2, 1_000_150, 1_000_300)
    q.cancel(1)
    expect(q.pending(1)).toEqual({})
    expect(q.size).toBe(2)
    expect(t.armedAt).toEqual([1_000_150])
    t.advance(1000)
    expect(fired).toEqual([
      [2, 'warn', 1_000_150],
      [2, 'overdue', 1_000_301],
    ])
    q.cancel(99) // unknown: harmless
  })

  it('re-scheduling (an extension) replaces the old moments', () => {
    const { t, q, fired, onDue } = setup()
    q.start(onDue)
    q.schedule(7, 1_000_100, 1_000_200)
    q.schedule(7, 1_005_000, 1_006_000)
    expect(q.size).toBe(2)
    expect(q.pending(7)).toEqual({ warn: 1_005_000, overdue: 1_006_001 })
    expect(t.armedAt).toEqual([1_005_000])
    t.advance(5_000)
    expect(fired).toEqual([[7, 'warn', 1_005_000]])
    // Extended again after the warn fired: only the overdue is pending (the case is already yellow).
    q.schedule(7, null, 1_009_000)
    expect(q.pending(7)).toEqual({ overdue: 1_009_001 })
    t.advance(10_000)
    expect(fired).toEqual([
      [7, 'warn', 1_005_000],
      [7, 'overdue', 1_009_001],
    ])
  })

  it('crossings already in the past fire at once, in order, stamped with when they happened', () => {
    const { t, q, fired, onDue } = setup()
    q.schedule(3, 900_000, 950_000)
    q.schedule(4, 980_000, 2_000_000)
    q.start(onDue)
    expect(t.armedAt).toEqual([1_000_000]) // delay 0
    t.advance(0)
    expect(fired).toEqual([
      [3, 'warn', 900_000],
      [3, 'overdue', 950_001],
      [4, 'warn', 980_000],
    ])
    expect(q.pending(4)).toEqual({ overdue: 2_000_001 })
  })

  it('many crossings due at once fire in slices, the loop turning between them (an import of old open cases)', () => {
    const { t, q } = setup()
    for (let id = 1; id <= 100; id++) q.schedule(id, null, 900_000 + id)
    // Each crossing costs ~1 ms (a write through the ingest); record which timer callback fired it.
    const slices: number[] = []
    q.start(() => {
      const t0 = performance.now()
      while (performance.now() - t0 < 1);
      slices.push(t.setCalls)
    })
    t.advance(0)
    expect(slices).toHaveLength(100)
    // One callback fired ~10 of them, then armed the next for the next turn, instead of holding on for 100 ms.
    const perSlice = [...new Set(slices)].map((c) => slices.filter((x) => x === c).length)
    expect(perSlice.length).toBeGreaterThanOrEqual(5)
    expect(Math.max(...perSlice)).toBeLessThanOrEqual(30)
    expect(q.size).toBe(0)
  })

  it('stop clears the timer and keeps the entries; start resumes', () => {
    const { t, q, fired, onDue } = setup()
    q.schedule(1, 1_000_100, 1_000_200)
    q.start(onDue)
    expect(t.armed).toBe(1)
    q.stop()
    expect(t.armed).toBe(0)
    expect(q.running).toBe(false)
    q.schedule(2, 1_000_050, 1_000_060) // scheduling while stopped arms nothing
    expect(t.armed).toBe(0)
    t.advance(500)
    expect(fired).toEqual([])
    q.start(onDue)
    t.advance(0)
    expect(fired.map(([id, k]) => `${id}${k}`)).toEqual(['2warn', '2overdue', '1warn', '1overdue'])
  })

  it('nothing is armed before start or when empty', () => {
    const { t, q, onDue } = setup()
    q.schedule(1, 1_000_100, 1_000_200)
    expect(t.armed).toBe(0)
    q.start(onDue)
    q.cancel(1)
    expect(t.armed).toBe(0)
    q.schedule(1, null, null)
    expect(q.size).toBe(0)
    expect(t.armed).toBe(0)
  })

  it('waits past the longest setTimeout delay by re-arming', () => {
    const { t, q, fired, onDue } = setup(0)
    const far = 40 * 86_400_000 // 40 days: longer than 2^31−1 ms
    q.schedule(1, null, far)
    q.start(onDue)
    expect(t.armedAt).toEqual([MAX_TIMER_DELAY])
    t.advance(MAX_TIMER_DELAY)
    expect(fired).toEqual([])
    expect(t.armed).toBe(1)
    t.advance(far)
    expect(fired).toEqual([[1, 'overdue', far + 1]])
  })

  it('an onDue that throws is reported and the queue keeps going', () => {
    const t = fakeTime(0)
    const errors: unknown[] = []
    const fired: number[] = []
    const q = new DeadlineQueue({ ...t, onError: (e) => void errors.push(e) })
    q.schedule(1, 10, 20)
    q.schedule(2, 15, 25)
    q.start((id, kind) => {
      if (id === 1 && kind === 'warn') throw new Error('boom')
      fired.push(id)
    })
    t.advance(100)
    expect(errors).toHaveLength(1)
    expect(fired).toEqual([2, 1, 2])
  })

  it('onDue may schedule and cancel inside the callback', () => {
    const { t, q, fired } = setup(0)
    q.schedule(1, 10, 20)
    q.schedule(2, 10, 30)
    q.start((id, kind, at) => {
      fired.push([id, kind, at])
      if (id === 1 && kind === 'warn') {
        q.cancel(2) // e.g. case 2 closed meanwhile
        q.schedule(3, 12, 40)
      }
    })
    t.advance(100)
    expect(fired).toEqual([
      [1, 'warn', 10],
      [3, 'warn', 12],
      [1, 'overdue', 21],
      [3, 'overdue', 41],
    ])
    expect(t.armed).toBe(0)
  })

  it('loads 20k cases in one pass with one timer, and keeps the heap consistent under churn', () => {
    const { t, q, fired, onDue } = setup(0)
    const n = 20_000
    const items: [number, number, number][] = []
    for (let id = 0; id < n; id++) items.push([id, 1000 + ((id * 7919) % 50_000), 60_000 + ((id * 104729) % 50_000)])
    q.scheduleMany(items)
    expect(q.size).toBe(2 * n)
    q.start(onDue)
    expect(t.setCalls).toBe(1)
    // Churn: cancel every third case, extend every fifth.
    for (let id = 0; id < n; id += 3) q.cancel(id)
    for (let id = 1; id < n; id += 5) if (id % 3) q.schedule(id, 200_000 + id, 300_000 + id)
    expect(t.armed).toBe(1)
    t.advance(400_000)
    const live = Array.from({ length: n }, (_, id) => id).filter((id) => id % 3 !== 0)
    expect(fired).toHaveLength(2 * live.length)
    for (let i = 1; i < fired.length; i++) expect(fired[i][2]).toBeGreaterThanOrEqual(fired[i - 1][2])
    const extended = fired.filter(([id]) => id % 5 === 1)
    for (const [id, kind, at] of extended) expect(at).toBe(kind === 'warn' ? 200_000 + id : 300_001 + id)
    expect(fired.some(([id]) => id % 3 === 0)).toBe(false)
    expect(q.size).toBe(0)
  })
})

describe('DeadlineQueue on vitest fake timers (default clock and setTimeout)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-03-02T02:00:00Z'))
  })
  afterEach(() => vi.useRealTimers())

  it('uses Date.now and setTimeout looked up at call time', () => {
    const q = new DeadlineQueue()
    const fired: Fired[] = []
    const t0 = Date.now()
    q.schedule(1, t0 + 1000, t0 + 2000)
    q.start((id, kind, at) => void fired.push([id, kind, at]))
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(1000)
    expect(fired).toEqual([[1, 'warn', t0 + 1000]])
    vi.advanceTimersByTime(1001)
    expect(fired).toEqual([
      [1, 'warn', t0 + 1000],
      [1, 'overdue', t0 + 2001],
    ])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stop leaves no timer behind', () => {
    const q = new DeadlineQueue()
    q.schedule(1, Date.now() + 1000, Date.now() + 2000)
    q.start(() => {})
    expect(vi.getTimerCount()).toBe(1)
    q.stop()
    expect(vi.getTimerCount()).toBe(0)
  })
})
