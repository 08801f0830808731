// The case workflow as a table-driven state machine (DOMAIN.md §2). Pure: no I/O, no clock.
//
// Main path: 上报 → 核实 → 立案 → 派遣 → 处置 → 核查 → 结案 → 评价.
// A state is named after the last step the case has completed: `dispatched` means "派遣 done, 处置 pending".
// Every accepted command becomes exactly one CaseEvent; `reduce` folds events into a CaseState and is the
// only code that moves state, so a live apply and a replay of the log cannot disagree.

export const STATES = [
  'reported', 'verified', 'registered', 'dispatched', 'handled', 'checked', 'closed', 'rated', 'voided', 'parked',
] as const
export type CaseStateName = (typeof STATES)[number]

export const STATE_LABEL: Record<CaseStateName, string> = {
  reported: '上报', verified: '核实', registered: '立案', dispatched: '派遣', handled: '处置',
  checked: '核查', closed: '结案', rated: '评价', voided: '作废', parked: '挂账',
}

/** Finished cases: nothing but the follow-up rating (for `closed`) may happen to them. */
export const FINAL_STATES: ReadonlySet<CaseStateName> = new Set(['closed', 'rated', 'voided'])
export const isOpenState = (s: CaseStateName) => !FINAL_STATES.has(s)
/** Every state a case is still being worked in (parked included): the one list, in workflow order. */
export const OPEN_STATES: readonly CaseStateName[] = STATES.filter(isOpenState)

/** Escalation ladder: grid → community → street → district → city. */
export const LEVELS = ['grid', 'community', 'street', 'district', 'city'] as const
export type Level = (typeof LEVELS)[number]

export const ACTIONS = [
  'report', 'verify', 'void', 'register', 'dispatch', 'return', 'handle', 'check', 'rework', 'close', 'rate',
  'extend', 'park', 'resume', 'supervise', 'force_close', 'escalate', 'warn', 'overdue',
] as const
export type Action = (typeof ACTIONS)[number]

/** Actions only the system's deadline timer may take. */
export const SYSTEM_ACTIONS: ReadonlySet<Action> = new Set(['warn', 'overdue'])

const TIMED: CaseStateName[] = ['registered', 'dispatched', 'handled', 'checked', 'parked']

/**
 * The transition table: for each action, the states it may be taken from and the state it leads to
 * (`same` keeps the state). `report` creates a case and has no source state.
 */
export const TRANSITIONS: Record<Exclude<Action, 'report'>, { from: readonly CaseStateName[]; to: CaseStateName | 'same' }> = {
  verify: { from: ['reported'], to: 'verified' },
  void: { from: ['reported', 'verified'], to: 'voided' },
  register: { from: ['verified'], to: 'registered' },
  dispatch: { from: ['registered'], to: 'dispatched' },
  return: { from: ['dispatched'], to: 'registered' },
  handle: { from: ['dispatched'], to: 'handled' },
  check: { from: ['handled'], to: 'checked' },
  rework: { from: ['handled'], to: 'dispatched' },
  close: { from: ['checked'], to: 'closed' },
  rate: { from: ['closed'], to: 'rated' },
  extend: { from: ['registered', 'dispatched', 'parked'], to: 'same' },
  park: { from: ['dispatched'], to: 'parked' },
  resume: { from: ['parked'], to: 'dispatched' },
  supervise: { from: OPEN_STATES, to: 'same' },
  force_close: { from: ['verified', 'registered', 'dispatched', 'handled', 'checked', 'parked'], to: 'closed' },
  escalate: { from: ['reported', 'verified', 'registered', 'dispatched', 'parked'], to: 'same' },
  warn: { from: TIMED, to: 'same' },
  overdue: { from: TIMED, to: 'same' },
}

export type Light = 'green' | 'yellow' | 'red'
export const RATINGS = ['satisfied', 'basic', 'unsatisfied'] as const
export type Rating = (typeof RATINGS)[number]

/** Payload some actions need. Everything a replay needs is in the event, so replay needs no calendar. */
export interface EventData {
  /** dispatch: the department the case goes to. */
  department?: string
  /** register, extend: the time-limit deadline (ms since epoch). */
  deadline?: number
  /** rate: the follow-up result. `contacted`/`resolved` feed the 12345 三率. */
  rating?: Rating
  contacted?: boolean
  resolved?: boolean
  /** escalate: a 三跨 case (cross-region, -department or -level) goes straight to the city. */
  tri?: boolean
}

export interface Command {
  action: Action
  actor: string
  at: number
  reason?: string
  data?: EventData
}

export interface CaseEvent extends Command {
  caseId: number
  from: CaseStateName | null
  to: CaseStateName
  /** The case's level after the event. */
  level: Level
}

export interface CaseState {
  state: CaseStateName
  level: Level
  department: string | null
  deadline: number | null
  light: Light
  reportedAt: number
  registeredAt: number | null
  dispatchedAt: number | null
  handledAt: number | null
  closedAt: number | null
  reworks: number
  /** Times the case came back from a department that was the wrong one (退回). */
  returns: number
  extensions: number
  supervised: boolean
  forced: boolean
  rating: Rating | null
  contacted: boolean
  resolved: boolean
}

export class TransitionError extends Error {
  readonly code = 'invalid_transition'
  constructor(
    readonly state: CaseStateName | null,
    readonly action: Action,
    /** What the sender could send instead: a person is never offered the deadline timer's actions. */
    readonly allowed: Action[],
    detail?: string,
  ) {
    super(
      detail ??
        (state === null
          ? `action "${action}" needs an existing case; a new case starts with "report"`
          : `action "${action}" is not allowed in state "${state}" (${STATE_LABEL[state]}); allowed: ${allowed.join(', ') || 'none'}`),
    )
  }
}

/** The actions allowed from a state (or, for no case yet, `report`). */
export function allowedActions(state: CaseStateName | null, level: Level = 'grid'): Action[] {
  if (state === null) return ['report']
  return (level === 'city' ? ALLOWED_AT_CITY : ALLOWED)[state]
}

// The table inverted once, per state (and without escalation at the top of the ladder): decide() runs
// for every event of the live ingest and of a 2.4 M-event history, so it must not rebuild this per call.
const invert = (atCity: boolean) =>
  Object.fromEntries(
    STATES.map((s) => [
      s,
      Object.freeze(
        (Object.keys(TRANSITIONS) as Exclude<Action, 'report'>[]).filter(
          (a) => TRANSITIONS[a].from.includes(s) && !(a === 'escalate' && atCity),
        ),
      ),
    ]),
  ) as Record<CaseStateName, Action[]>
const ALLOWED = invert(false)
const ALLOWED_AT_CITY = invert(true)

/**
 * The refusal of a command. It lists what this sender may send: the timer's actions only to the timer. Built
 * only when refusing: decide() runs for every event, and a closure or a filtered list per call is garbage.
 */
function refusal(state: CaseStateName | null, cmd: Command, allowed: readonly Action[], detail?: string): TransitionError {
  const listed = SYSTEM_ACTIONS.has(cmd.action) ? (allowed as Action[]) : allowed.filter((a) => !SYSTEM_ACTIONS.has(a))
  return new TransitionError(state, cmd.action, listed, detail)
}

/** Check a command against the case and return its event, or throw a TransitionError. */
export function decide(caseId: number, current: CaseState | null, cmd: Command): CaseEvent {
  const state = current?.state ?? null
  const allowed = allowedActions(state, current?.level)
  if (!allowed.includes(cmd.action)) {
    // Escalation is in the table but the ladder ends at the city: say so, not just "not allowed".
    if (cmd.action === 'escalate' && current?.level === 'city' && TRANSITIONS.escalate.from.includes(current.state))
      throw refusal(state, cmd, allowed, `${refusal(state, cmd, allowed).message}; the case is already at the city level (市), the top of the ladder`)
    throw refusal(state, cmd, allowed)
  }
  if (!Number.isFinite(cmd.at)) throw refusal(state, cmd, allowed, `${cmd.action} needs a time (at, ms since epoch)`)
  const d = cmd.data ?? {}
  let level: Level = current?.level ?? 'grid'
  switch (cmd.action) {
    case 'dispatch':
      if (typeof d.department !== 'string' || !d.department) throw refusal(state, cmd, allowed, 'dispatch needs data.department')
      break
    case 'register':
      if (!Number.isFinite(d.deadline)) throw refusal(state, cmd, allowed, 'register needs data.deadline')
      break
    case 'extend':
      if (!Number.isFinite(d.deadline) || (current!.deadline !== null && d.deadline! <= current!.deadline))
        throw refusal(state, cmd, allowed, 'extend needs a data.deadline later than the current deadline')
      break
    case 'rate':
      if (!RATINGS.includes(d.rating!)) throw refusal(state, cmd, allowed, 'rate needs data.rating (satisfied, basic or unsatisfied)')
      break
    case 'warn':
      if (current!.light !== 'green') throw refusal(state, cmd, allowed, `warn: the light is already ${current!.light}`)
      break
    case 'overdue':
      if (current!.light === 'red') throw refusal(state, cmd, allowed, 'overdue: the light is already red')
      break
    case 'escalate':
      level = d.tri ? 'city' : LEVELS[LEVELS.indexOf(level) + 1]
      break
  }
  const rule = cmd.action === 'report' ? null : TRANSITIONS[cmd.action]
  const to: CaseStateName = rule === null ? 'reported' : rule.to === 'same' ? state! : rule.to
  const event: CaseEvent = { caseId, action: cmd.action, actor: cmd.actor, at: cmd.at, from: state, to, level }
  if (cmd.reason !== undefined) event.reason = cmd.reason
  if (cmd.data !== undefined) event.data = cmd.data
  return event
}

export function newCase(at: number): CaseState {
  return {
    state: 'reported', level: 'grid', department: null, deadline: null, light: 'green', reportedAt: at,
    registeredAt: null, dispatchedAt: null, handledAt: null, closedAt: null, reworks: 0, returns: 0,
    extensions: 0, supervised: false, forced: false, rating: null, contacted: false, resolved: false,
  }
}

/**
 * A case's state with a new state name and level. Written out, not spread: the states reduce() folds come in
 * several shapes (newCase, a stored row's, an earlier copy's), which turns `{ ...s }` into V8's slow generic
 * copy, and reduce runs for every event (an import row's history is eight).
 */
function copyState(s: CaseState, state: CaseStateName, level: Level): CaseState {
  return {
    state, level, department: s.department, deadline: s.deadline, light: s.light, reportedAt: s.reportedAt,
    registeredAt: s.registeredAt, dispatchedAt: s.dispatchedAt, handledAt: s.handledAt, closedAt: s.closedAt,
    reworks: s.reworks, returns: s.returns, extensions: s.extensions, supervised: s.supervised, forced: s.forced,
    rating: s.rating, contacted: s.contacted, resolved: s.resolved,
  }
}

/** Fold one event into a case. The only place state moves; used live and by every replay. */
export function reduce(current: CaseState | null, e: CaseEvent): CaseState {
  if (e.action === 'report') return newCase(e.at)
  const c = copyState(current!, e.to, e.level)
  const d = e.data ?? {}
  switch (e.action) {
    case 'register':
      c.registeredAt = e.at
      c.deadline = d.deadline!
      break
    case 'dispatch':
      c.department = d.department!
      c.dispatchedAt ??= e.at
      break
    case 'return':
      c.returns++
      break
    case 'handle':
      c.handledAt = e.at
      break
    case 'rework':
      // The fix failed its check: it is not handled until it is handled again.
      c.handledAt = null
      c.reworks++
      break
    case 'close':
      c.closedAt = e.at
      break
    case 'force_close':
      c.closedAt = e.at
      c.forced = true
      break
    case 'rate':
      c.rating = d.rating!
      c.contacted = d.contacted ?? true
      c.resolved = d.resolved ?? d.rating !== 'unsatisfied'
      break
    case 'extend':
      c.deadline = d.deadline!
      c.extensions++
      c.light = 'green'
      break
    case 'supervise':
      c.supervised = true
      break
    case 'warn':
      c.light = 'yellow'
      break
    case 'overdue':
      c.light = 'red'
      break
  }
  return c
}

/** decide + reduce: the one-step API most callers want. */
export function apply(caseId: number, current: CaseState | null, cmd: Command): { event: CaseEvent; next: CaseState } {
  const event = decide(caseId, current, cmd)
  return { event, next: reduce(current, event) }
}
