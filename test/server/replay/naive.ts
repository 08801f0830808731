// The state at T recomputed the slow, obvious way, straight from `case_events` rows with at ≤ T and the
// definitions of DOMAIN.md §3: every case's story read off its raw rows, every count a filter over cases,
// every indicator its published formula. It shares no code with the server (not reduce, not contribute, not
// indicators), so a mistake in those cannot hide here.
import type Database from 'better-sqlite3'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const localDay = (t: number) => Math.floor((t + 8 * HOUR) / DAY)

interface Story {
  id: number
  grid: string
  special: string | null
  source: string
  department: string | null
  reportedAt: number
  state: string
  registered: boolean
  dispatched: boolean
  returned: boolean
  handledAt: number | null
  closedAt: number | null
  deadline: number | null
  light: 'green' | 'yellow' | 'red'
  reworked: boolean
  extended: boolean
  rating: string | null
  contacted: boolean
  resolved: boolean
}

const FINAL = ['closed', 'rated', 'voided']

/** Each case as it stood at `t`: its rows with at ≤ t, in log order. */
export function storiesAt(sql: Database.Database, t: number): Story[] {
  const facts = new Map(
    (sql.prepare('SELECT id, grid, special, source FROM cases').all() as { id: number; grid: string; special: string | null; source: string }[]).map((f) => [f.id, f]),
  )
  const rows = sql.prepare('SELECT case_id, action, to_state, at, data FROM case_events WHERE at <= ? ORDER BY id').all(t) as {
    case_id: number; action: string; to_state: string; at: number; data: string | null
  }[]
  const stories = new Map<number, Story>()
  for (const r of rows) {
    const d = r.data ? JSON.parse(r.data) : {}
    if (r.action === 'report') {
      const f = facts.get(r.case_id)!
      stories.set(r.case_id, {
        id: r.case_id, grid: f.grid, special: f.special, source: f.source, department: null, reportedAt: r.at, state: 'reported',
        registered: false, dispatched: false, returned: false, handledAt: null, closedAt: null, deadline: null, light: 'green',
        reworked: false, extended: false, rating: null, contacted: false, resolved: false,
      })
      continue
    }
    const s = stories.get(r.case_id)!
    s.state = r.to_state
    if (r.action === 'register') (s.registered = true), (s.deadline = d.deadline)
    if (r.action === 'dispatch') (s.dispatched = true), (s.department = d.department)
    if (r.action === 'return') s.returned = true
    if (r.action === 'handle') s.handledAt = r.at
    if (r.action === 'rework') (s.handledAt = null), (s.reworked = true)
    if (r.action === 'close' || r.action === 'force_close') s.closedAt = r.at
    if (r.action === 'extend') (s.deadline = d.deadline), (s.extended = true), (s.light = 'green')
    if (r.action === 'warn') s.light = 'yellow'
    if (r.action === 'overdue') s.light = 'red'
    if (r.action === 'rate') {
      s.rating = d.rating
      s.contacted = d.contacted ?? true
      s.resolved = d.resolved ?? d.rating !== 'unsatisfied'
    }
  }
  return [...stories.values()]
}

export function inWindowAt(window: string, reportedAt: number, t: number): boolean {
  const day = localDay(reportedAt)
  const today = localDay(t)
  if (window === 'all') return true
  if (window === 'today') return day === today
  if (window === '7d') return day >= today - 6 && day <= today
  const wall = new Date(t + 8 * HOUR)
  return day >= Math.floor(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), 1) / DAY) && day <= today
}

const rate = (n: number, d: number) => (d > 0 ? n / d : null)

/** The §3 figures of a set of cases (k = weight of 基本满意). */
export function figures(cases: Story[], k = 1) {
  const count = (p: (s: Story) => boolean) => cases.filter(p).length
  const open = (s: Story) => !FINAL.includes(s.state)
  const red = (s: Story) => s.light === 'red'
  const closed = (s: Story) => s.closedAt !== null
  const handled = (s: Story) => s.handledAt !== null || (closed(s) && s.registered)
  // 应处置: handled, or registered and past its limit; 应结案: closed, or registered, open and past its limit.
  const dueHandle = (s: Story) => handled(s) || (s.registered && red(s))
  const dueClose = (s: Story) => closed(s) || (s.registered && open(s) && red(s))
  const onTime = (at: number | null, s: Story) => s.deadline === null || (at !== null && at <= s.deadline)
  const received = cases.length
  const registered = count((s) => s.registered)
  const dispatched = count((s) => s.dispatched)
  const nDueHandle = count(dueHandle)
  const nDueClose = count(dueClose)
  const nClosed = count(closed)
  const rated = count((s) => s.rating !== null)
  const satisfied = count((s) => s.rating === 'satisfied')
  const basic = count((s) => s.rating === 'basic')
  const counts = {
    received, registered, dispatched, closed: nClosed, dueClose: nDueClose, dueHandle: nDueHandle, rated,
    open: count(open), overdueOpen: count((s) => open(s) && red(s)),
  }
  const rates = {
    registrationRate: rate(registered, received),
    dispatchRate: rate(dispatched, registered),
    dispatchAccuracy: rate(count((s) => s.dispatched && !s.returned), dispatched),
    handlingRate: rate(count(handled), nDueHandle),
    onTimeHandlingRate: rate(count((s) => handled(s) && onTime(s.handledAt ?? s.closedAt, s)), nDueHandle),
    closureRate: rate(nClosed, nDueClose),
    onTimeClosureRate: rate(count((s) => closed(s) && onTime(s.closedAt, s)), nDueClose),
    reworkRate: rate(count((s) => dueClose(s) && s.reworked), nDueClose),
    overdueRate: rate(counts.overdueOpen, nDueHandle),
    extensionRate: rate(count((s) => dueHandle(s) && s.extended), nDueHandle),
    satisfactionRate: rate(satisfied + k * basic, rated),
    responseRate: rate(count((s) => s.rating !== null && s.contacted), rated),
    resolutionRate: rate(count((s) => s.rating !== null && s.resolved), rated),
  }
  return { counts, rates }
}

/** Cases received and closed per hour, for the 48 hours ending with T's hour, in a grid subtree. */
export function hourly(cases: Story[], t: number): { received: number[]; closed: number[] } {
  const last = Math.floor(t / HOUR)
  const received = new Array(48).fill(0)
  const closed = new Array(48).fill(0)
  for (const s of cases) {
    const r = Math.floor(s.reportedAt / HOUR) - (last - 47)
    if (r >= 0 && r < 48) received[r]++
    if (s.closedAt !== null) {
      const c = Math.floor(s.closedAt / HOUR) - (last - 47)
      if (c >= 0 && c < 48) closed[c]++
    }
  }
  return { received, closed }
}
