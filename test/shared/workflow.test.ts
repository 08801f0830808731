import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  type Action, ACTIONS, allowedActions, apply, type CaseEvent, type CaseState, type CaseStateName, type Command, decide,
  type EventData, type Level, LEVELS, newCase, reduce, STATES, TransitionError,
} from '../../shared/workflow'

// The expected workflow, written out from DOMAIN.md §2 independently of TRANSITIONS, so the table-driven
// code is checked against a second statement of the rules rather than against itself.
const EXPECTED_ALLOWED: Record<CaseStateName, Action[]> = {
  reported: ['verify', 'void', 'supervise', 'escalate'],
  verified: ['register', 'void', 'supervise', 'force_close', 'escalate'],
  registered: ['dispatch', 'extend', 'supervise', 'force_close', 'escalate', 'warn', 'overdue'],
  dispatched: ['handle', 'return', 'park', 'extend', 'supervise', 'force_close', 'escalate', 'warn', 'overdue'],
  handled: ['check', 'rework', 'supervise', 'force_close', 'warn', 'overdue'],
  checked: ['close', 'supervise', 'force_close', 'warn', 'overdue'],
  closed: ['rate'],
  rated: [],
  voided: [],
  parked: ['resume', 'extend', 'supervise', 'force_close', 'escalate', 'warn', 'overdue'],
}
/** What only the deadline timer sends. */
const TIMER = new Set<Action>(['warn', 'overdue'])
const EXPECTED_TARGET: Record<Action, CaseStateName | 'same'> = {
  report: 'reported', verify: 'verified', void: 'voided', register: 'registered', dispatch: 'dispatched',
  return: 'registered', handle: 'handled', check: 'checked', rework: 'dispatched', close: 'closed', rate: 'rated',
  extend: 'same', park: 'parked', resume: 'dispatched', supervise: 'same', force_close: 'closed', escalate: 'same',
  warn: 'same', overdue: 'same',
}
/** A real path of commands that reaches each state. */
const PATH: Record<CaseStateName, Action[]> = {
  reported: ['report'],
  verified: ['report', 'verify'],
  registered: ['report', 'verify', 'register'],
  dispatched: ['report', 'verify', 'register', 'dispatch'],
  handled: ['report', 'verify', 'register', 'dispatch', 'handle'],
  checked: ['report', 'verify', 'register', 'dispatch', 'handle', 'check'],
  closed: ['report', 'verify', 'register', 'dispatch', 'handle', 'check', 'close'],
  rated: ['report', 'verify', 'register', 'dispatch', 'handle', 'check', 'close', 'rate'],
  voided: ['report', 'void'],
  parked: ['report', 'verify', 'register', 'dispatch', 'park'],
}

const T0 = Date.parse('2026-03-02T10:00:00+08:00')
const MIN = 60_000
const DEADLINE = T0 + 3 * 86_400_000
const VALID_DATA: Partial<Record<Action, EventData>> = {
  register: { deadline: DEADLINE },
  dispatch: { department: 'D01' },
  extend: { deadline: DEADLINE + 86_400_000 },
  rate: { rating: 'satisfied' },
}
const cmd = (action: Action, at: number, data = VALID_DATA[action], reason?: string): Command => ({
  action, actor: `user-${action}`, at, ...(data && { data }), ...(reason && { reason }),
})

/** Apply actions in order, one minute apart; returns the state and the events. */
function run(actions: Action[], start: CaseState | null = null, events: CaseEvent[] = []) {
  let state = start
  for (const a of actions) {
    const r = apply(42, state, cmd(a, T0 + (events.length + 1) * MIN))
    events.push(r.event)
    state = r.next
  }
  return { state: state!, events }
}
const sorted = (a: readonly string[]) => [...a].sort()

describe('the expected table covers the whole workflow', () => {
  it('names every state and action', () => {
    expect(sorted(Object.keys(EXPECTED_ALLOWED))).toEqual(sorted(STATES))
    expect(sorted(Object.keys(EXPECTED_TARGET))).toEqual(sorted(ACTIONS))
    for (const s of STATES) expect(run(PATH[s]).state.state).toBe(s)
  })
})

describe('every state × every action', () => {
  const cells = STATES.flatMap((s) => ACTIONS.map((a) => [s, a] as const))
  it.each(cells)('%s × %s', (s, a) => {
    const { state } = run(PATH[s])
    const allowed = EXPECTED_ALLOWED[s].includes(a)
    expect(sorted(allowedActions(s))).toEqual(sorted(EXPECTED_ALLOWED[s]))
    const c = cmd(a, T0 + 100 * MIN, VALID_DATA[a], 'because')
    if (allowed) {
      const { event, next } = apply(42, state, c)
      expect(event).toEqual({
        caseId: 42, action: a, actor: `user-${a}`, at: T0 + 100 * MIN, reason: 'because', from: s,
        to: EXPECTED_TARGET[a] === 'same' ? s : EXPECTED_TARGET[a], level: a === 'escalate' ? 'community' : 'grid',
        ...(VALID_DATA[a] && { data: VALID_DATA[a] }),
      })
      expect(next.state).toBe(event.to)
      expect(next).toEqual(reduce(state, event))
    } else {
      let err: unknown
      try {
        decide(42, state, c)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(TransitionError)
      const te = err as TransitionError
      expect(te.state).toBe(s)
      expect(te.action).toBe(a)
      // A person is offered only what a person may send; the deadline timer also its own warn/overdue.
      const listed = TIMER.has(a) ? EXPECTED_ALLOWED[s] : EXPECTED_ALLOWED[s].filter((x) => !TIMER.has(x))
      expect(sorted(te.allowed)).toEqual(sorted(listed))
      expect(te.message).toContain(`"${s}"`)
      expect(te.message).toContain(`"${a}"`)
      for (const x of listed) expect(te.message).toContain(x)
      if (!TIMER.has(a)) expect(te.message).not.toMatch(/\b(warn|overdue)\b/)
      if (listed.length === 0) expect(te.message).toContain('allowed: none')
    }
  })

  it('a case that does not exist yet accepts only report', () => {
    expect(allowedActions(null)).toEqual(['report'])
    for (const a of ACTIONS.filter((x) => x !== 'report')) {
      expect(() => decide(1, null, cmd(a, T0))).toThrow(TransitionError)
      expect(() => decide(1, null, cmd(a, T0))).toThrow(/needs an existing case/)
    }
    const { event, next } = apply(7, null, cmd('report', T0))
    expect(event).toMatchObject({ caseId: 7, action: 'report', from: null, to: 'reported', level: 'grid', at: T0 })
    expect(next).toEqual(newCase(T0))
  })

  it('refuses a command without a valid time', () => {
    const { state } = run(PATH.reported)
    expect(() => decide(1, state, { action: 'verify', actor: 'a', at: NaN })).toThrow(/needs a time/)
    expect(() => decide(1, null, { action: 'report', actor: 'a', at: Infinity })).toThrow(TransitionError)
  })
})

describe('required data', () => {
  const at = T0 + 100 * MIN
  it.each([
    ['registered', 'dispatch', {}, /data\.department/],
    ['registered', 'dispatch', { department: '' }, /data\.department/],
    ['verified', 'register', {}, /data\.deadline/],
    ['verified', 'register', { deadline: NaN }, /data\.deadline/],
    ['dispatched', 'extend', {}, /later than the current deadline/],
    ['dispatched', 'extend', { deadline: DEADLINE }, /later than the current deadline/],
    ['dispatched', 'extend', { deadline: DEADLINE - 1 }, /later than the current deadline/],
    ['closed', 'rate', {}, /data\.rating/],
    ['closed', 'rate', { rating: 'great' }, /data\.rating/],
  ] as [CaseStateName, Action, EventData, RegExp][])('%s × %s with %j is refused', (s, a, data, msg) => {
    const { state } = run(PATH[s])
    expect(() => decide(1, state, cmd(a, at, data))).toThrow(TransitionError)
    expect(() => decide(1, state, cmd(a, at, data))).toThrow(msg)
  })
})

describe('side paths', () => {
  it('作废: a report that is not real is voided, and then nothing moves it', () => {
    for (const s of ['reported', 'verified'] as const) {
      const { state } = run([...PATH[s], 'void'])
      expect(state.state).toBe('voided')
      expect(allowedActions('voided')).toEqual([])
    }
  })

  it('退回/重新派遣: back to dispatch, then to another department; first dispatch time kept', () => {
    const { state: d1, events } = run(PATH.dispatched)
    const first = d1.dispatchedAt
    const { state: back } = run(['return'], d1, events)
    expect(back).toMatchObject({ state: 'registered', returns: 1, department: 'D01' })
    const r = apply(42, back, cmd('dispatch', T0 + 50 * MIN, { department: 'D07' }))
    expect(r.next).toMatchObject({ state: 'dispatched', department: 'D07', dispatchedAt: first, returns: 1 })
  })

  it('返工: the check failed, so the case goes back to handling and is no longer handled', () => {
    const { state, events } = run([...PATH.handled, 'rework'])
    expect(state).toMatchObject({ state: 'dispatched', reworks: 1, handledAt: null, department: 'D01' })
    const again = run(['handle', 'rework', 'handle'], state, events).state
    expect(again).toMatchObject({ state: 'handled', reworks: 2 })
    expect(again.handledAt).toBe(events.at(-1)!.at)
  })

  it('延期: moves the deadline, counts, and turns the light green again', () => {
    const { state } = run([...PATH.dispatched, 'warn', 'overdue'])
    expect(state.light).toBe('red')
    const r = apply(1, state, cmd('extend', T0 + 99 * MIN, { deadline: DEADLINE + 5 }))
    expect(r.next).toMatchObject({ deadline: DEADLINE + 5, extensions: 1, light: 'green', state: 'dispatched' })
  })

  it('挂账: parked and resumed, still timed and extendable', () => {
    const { state } = run([...PATH.parked, 'extend', 'resume'])
    expect(state).toMatchObject({ state: 'dispatched', extensions: 1 })
  })

  it('督办: flags any open case without moving it', () => {
    for (const s of STATES.filter((x) => EXPECTED_ALLOWED[x].includes('supervise'))) {
      const { state } = run([...PATH[s], 'supervise'])
      expect(state).toMatchObject({ state: s, supervised: true })
    }
  })

  it('强制结案: closes from any open registered stage, marked forced, and may be rated', () => {
    for (const s of ['verified', 'registered', 'dispatched', 'handled', 'checked', 'parked'] as const) {
      const { state, events } = run([...PATH[s], 'force_close'])
      expect(state).toMatchObject({ state: 'closed', forced: true, closedAt: events.at(-1)!.at })
      expect(run(['rate'], state, events).state.state).toBe('rated')
    }
  })

  it('黄灯/红灯: green → yellow → red once each; overdue may skip yellow', () => {
    const { state } = run([...PATH.dispatched, 'warn'])
    expect(state.light).toBe('yellow')
    expect(() => decide(1, state, cmd('warn', T0))).toThrow(/already yellow/)
    const red = run(['overdue'], state).state
    expect(red.light).toBe('red')
    expect(() => decide(1, red, cmd('overdue', T0))).toThrow(/already red/)
    expect(() => decide(1, red, cmd('warn', T0))).toThrow(/already red/)
    expect(run([...PATH.handled, 'overdue']).state.light).toBe('red')
  })
})

describe('escalation', () => {
  it('climbs grid → community → street → district → city, then is refused at the top', () => {
    let { state, events } = run(PATH.dispatched)
    const seen: Level[] = [state.level]
    for (let i = 0; i < 4; i++) {
      ;({ state, events } = run(['escalate'], state, events))
      seen.push(state.level)
      expect(events.at(-1)!.level).toBe(state.level)
    }
    expect(seen).toEqual(['grid', 'community', 'street', 'district', 'city'])
    expect(seen).toEqual([...LEVELS])
    expect(allowedActions('dispatched', 'city')).not.toContain('escalate')
    let err: TransitionError | undefined
    try {
      decide(42, state, cmd('escalate', T0 + 99 * MIN))
    } catch (e) {
      err = e as TransitionError
    }
    expect(err).toBeInstanceOf(TransitionError)
    expect(err!.state).toBe('dispatched')
    expect(sorted(err!.allowed)).toEqual(sorted(EXPECTED_ALLOWED.dispatched.filter((a) => a !== 'escalate' && !TIMER.has(a))))
    expect(err!.message).toMatch(/"dispatched".*allowed: .*handle.*city level/)
  })

  it('三跨 (tri) cases go straight to the city', () => {
    for (const s of ['reported', 'verified', 'registered', 'dispatched', 'parked'] as const) {
      const { state } = run(PATH[s])
      const r = apply(1, state, cmd('escalate', T0 + 99 * MIN, { tri: true }, '跨部门'))
      expect(r.event).toMatchObject({ level: 'city', reason: '跨部门', data: { tri: true } })
      expect(r.next).toMatchObject({ level: 'city', state: s })
    }
  })

  it('the level survives later steps and closure', () => {
    const { state } = run([...PATH.dispatched, 'escalate', 'escalate', 'handle', 'check', 'close'])
    expect(state).toMatchObject({ state: 'closed', level: 'street' })
  })
})

// ---- property: random valid sequences replay to the same state -------------------------------------

/** Pick a valid command for a case from the expected table, driven by the generator's numbers. */
function pickCommand(state: CaseState, n: number, m: number, at: number): Command | null {
  const options = EXPECTED_ALLOWED[state.state].filter(
    (a) =>
      !(a === 'escalate' && state.level === 'city') &&
      !(a === 'warn' && state.light !== 'green') &&
      !(a === 'overdue' && state.light === 'red'),
  )
  if (options.length === 0) return null
  // The first option of each state is its main-path step; weight it so runs get deep into the workflow.
  const pick = n % (options.length + 2)
  const action = options[pick < options.length ? pick : 0]
  const data: EventData | undefined =
    action === 'register' ? { deadline: at + (1 + (m % 10)) * 3_600_000 }
    : action === 'dispatch' ? { department: `D0${m % 3}` }
    : action === 'extend' ? { deadline: state.deadline! + 1 + (m % 5) * 3_600_000 }
    : action === 'rate' ? { rating: (['satisfied', 'basic', 'unsatisfied'] as const)[m % 3], contacted: m % 4 !== 0, resolved: m % 5 !== 0 }
    : action === 'escalate' ? { tri: m % 7 === 0 }
    : undefined
  return { action, actor: `a${m % 4}`, at, ...(data && { data }), ...(m % 2 ? { reason: `r${m}` } : {}) }
}

describe('property: random valid command sequences', () => {
  it('every step is accepted, and replaying the events through reduce reproduces the state', () => {
    const exercised = new Set<Action>()
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 600_000 })), { maxLength: 60 }),
        fc.nat(),
        (steps, bad) => {
          let { event, next: state } = apply(9, null, cmd('report', T0))
          const events: CaseEvent[] = [event]
          let at = T0
          for (const [n, m, dt] of steps) {
            at += dt
            const c = pickCommand(state, n, m, at)
            if (!c) break
            // An action outside the allowed set is refused and changes nothing.
            const wrong = ACTIONS.filter((a) => !EXPECTED_ALLOWED[state.state].includes(a))
            if (wrong.length) {
              const before = structuredClone(state)
              expect(() => decide(9, state, cmd(wrong[(n + bad) % wrong.length], at))).toThrow(TransitionError)
              expect(state).toEqual(before)
            }
            const r = apply(9, state, c)
            expect(r.event.from).toBe(state.state)
            expect(r.event.to).toBe(r.next.state)
            expect(LEVELS.indexOf(r.next.level)).toBeGreaterThanOrEqual(LEVELS.indexOf(state.level))
            events.push(r.event)
            exercised.add(c.action)
            state = r.next
          }
          // Replay, also after the JSON round trip the log goes through.
          expect(events.reduce<CaseState | null>(reduce, null)).toEqual(state)
          const stored = JSON.parse(JSON.stringify(events)) as CaseEvent[]
          expect(stored.reduce<CaseState | null>(reduce, null)).toEqual(state)
          // The state agrees with what the events say happened.
          const count = (a: Action) => events.filter((e) => e.action === a).length
          expect(state.reworks).toBe(count('rework'))
          expect(state.returns).toBe(count('return'))
          expect(state.extensions).toBe(count('extend'))
          expect(state.supervised).toBe(count('supervise') > 0)
          expect(state.forced).toBe(count('force_close') > 0)
          expect(state.closedAt !== null).toBe(state.state === 'closed' || state.state === 'rated')
          expect(state.registeredAt === null).toBe(state.deadline === null)
          expect(state.level).toBe(events.at(-1)!.level)
        },
      ),
      // A fixed seed: the coverage check below must not depend on the luck of one run.
      { numRuns: 400, seed: 20261126 },
    )
    // The runs reached every action, so the checks above were not vacuous.
    expect(sorted([...exercised])).toEqual(sorted(ACTIONS.filter((a) => a !== 'report')))
  })
})

describe('reduce copies a state field by field', () => {
  it("gives every state newCase's fields in newCase's order, whatever order (or extra fields) the state it folds came in", () => {
    const fresh = newCase(0)
    // As a stored row reads back: the same fields, another order, and a field that is not the state's.
    const stored = { ...Object.fromEntries(Object.entries(fresh).reverse()), state: 'verified', id: 7 } as unknown as CaseState
    const next = reduce(stored, decide(7, stored, { action: 'register', actor: 'a', at: 1, data: { deadline: 9 } }))
    expect(Object.keys(next)).toEqual(Object.keys(fresh))
    expect(next).toMatchObject({ state: 'registered', registeredAt: 1, deadline: 9 })
  })
})
