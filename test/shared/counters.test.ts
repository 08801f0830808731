import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { C, type CounterName, COUNTER_COUNT, COUNTERS, contribute, named } from '../../shared/counters'
import { indicators } from '../../shared/indicators'
import { type Action, allowedActions, apply, type CaseState, type Command, type EventData } from '../../shared/workflow'

const T0 = Date.parse('2026-03-02T10:00:00+08:00')
const HOUR = 3_600_000
const DEADLINE = T0 + 24 * HOUR

type Step = Action | [Action, EventData?, number?]
/** Build a case through the real workflow. Steps are one hour apart unless a step gives its own offset (hours). */
function build(steps: Step[]): CaseState {
  let state: CaseState | null = null
  let at = T0
  const defaults: Partial<Record<Action, EventData>> = {
    register: { deadline: DEADLINE }, dispatch: { department: 'D01' }, rate: { rating: 'satisfied' },
  }
  for (const s of ['report', 'verify', ...steps] as Step[]) {
    const [action, data, hours] = typeof s === 'string' ? [s] : s
    at = hours === undefined ? at + HOUR : T0 + hours * HOUR
    const cmd: Command = { action, actor: 't', at, data: data ?? defaults[action] }
    state = apply(1, state, cmd).next
  }
  return state!
}

/** The counters one case contributes, as the set of counter names that are 1. */
function ones(c: CaseState | null): CounterName[] {
  const v = new Int32Array(COUNTER_COUNT)
  contribute(c, v)
  for (const x of v) expect(x === 0 || x === 1).toBe(true)
  return COUNTERS.filter((n) => v[C[n]] === 1)
}
const set = (...names: CounterName[]) => [...names].sort()

const MAIN = ['register', 'dispatch', 'handle', 'check'] as Action[]

describe('contribute: what one case adds to each counter', () => {
  it.each<[string, () => CaseState, CounterName[]]>([
    ['just reported', () => apply(1, null, { action: 'report', actor: 't', at: T0 }).next, ['received', 'open']],
    ['voided', () => build(['void']), ['received', 'voided']],
    ['registered, green', () => build(['register']), ['received', 'registered', 'open']],
    ['registered, yellow', () => build(['register', 'warn']), ['received', 'registered', 'open', 'warnedOpen']],
    [
      'an open red case counts in overdueOpen, dueHandle and dueClose',
      () => build(['register', 'dispatch', ['overdue', {}, 25]]),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'open', 'overdueOpen', 'dueHandle', 'dueClose'],
    ],
    [
      'returned and re-dispatched: dispatched, not accurately',
      () => build(['register', 'dispatch', 'return', ['dispatch', { department: 'D02' }]]),
      ['received', 'registered', 'dispatched', 'open'],
    ],
    [
      'handled on time',
      () => build(MAIN.slice(0, 3)),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'handled', 'handledOnTime', 'dueHandle', 'open'],
    ],
    [
      'handled on time, then red while awaiting the check',
      () => build([...MAIN.slice(0, 3), ['overdue', {}, 25]]),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'handled', 'handledOnTime', 'dueHandle', 'open',
        'overdueOpen', 'dueClose'],
    ],
    [
      'closed on time and rated satisfied',
      () => build([...MAIN, 'close', 'rate']),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'handled', 'handledOnTime', 'dueHandle', 'closed',
        'closedOnTime', 'dueClose', 'rated', 'satisfied', 'contacted', 'resolved', 'settledGrid'],
    ],
    [
      'closed late: in closed and dueClose, not closedOnTime; handled late too',
      () => build(['register', 'dispatch', ['overdue', {}, 25], ['handle', {}, 26], ['check', {}, 27], ['close', {}, 28]]),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'handled', 'dueHandle', 'closed', 'dueClose',
        'settledGrid'],
    ],
    [
      'handled on time but closed late',
      () => build(['register', 'dispatch', 'handle', ['check', {}, 25], ['close', {}, 26]]),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'handled', 'handledOnTime', 'dueHandle', 'closed',
        'dueClose', 'settledGrid'],
    ],
    [
      'closed exactly at the deadline is on time',
      () => build(['register', 'dispatch', 'handle', 'check', ['close', {}, 24]]),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'handled', 'handledOnTime', 'dueHandle', 'closed',
        'closedOnTime', 'dueClose', 'settledGrid'],
    ],
    [
      'forced closure of a dispatched case counts as handled and closed',
      () => build(['register', 'dispatch', 'force_close']),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'handled', 'handledOnTime', 'dueHandle', 'closed',
        'closedOnTime', 'dueClose', 'settledGrid'],
    ],
    [
      'forced closure after the deadline is late',
      () => build(['register', 'dispatch', ['force_close', {}, 30]]),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'handled', 'dueHandle', 'closed', 'dueClose', 'settledGrid'],
    ],
    [
      'forced closure before registration: closed, never registered or handled',
      () => build(['force_close']),
      ['received', 'closed', 'closedOnTime', 'dueClose', 'settledGrid'],
    ],
    [
      'rework clears handled',
      () => build([...MAIN.slice(0, 3), 'rework']),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'open'],
    ],
    [
      'reworked and handled again',
      () => build([...MAIN.slice(0, 3), 'rework', 'handle']),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'handled', 'handledOnTime', 'dueHandle', 'open'],
    ],
    [
      'reworked, then closed: counted in 返工数 once it is 应结案',
      () => build([...MAIN.slice(0, 3), 'rework', 'handle', 'check', 'close']),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'reworked', 'handled', 'handledOnTime', 'dueHandle',
        'closed', 'closedOnTime', 'dueClose', 'settledGrid'],
    ],
    [
      'extended, supervised and parked',
      () => build(['register', 'dispatch', ['extend', { deadline: DEADLINE + HOUR }], 'supervise', 'park']),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'supervised', 'open'],
    ],
    [
      'extended and handled: counted in 延期数 once it is 应处置',
      () => build(['register', 'dispatch', ['extend', { deadline: DEADLINE + HOUR }], 'handle']),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'extended', 'handled', 'handledOnTime', 'dueHandle', 'open'],
    ],
    [
      'escalated twice and closed: settled in the street',
      () => build(['escalate', 'escalate', ...MAIN, 'close']),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'handled', 'handledOnTime', 'dueHandle', 'closed',
        'closedOnTime', 'dueClose', 'settledStreet'],
    ],
    [
      '三跨 closed at the city, rated basic without contact or resolution',
      () => build([['escalate', { tri: true }], ...MAIN, 'close', ['rate', { rating: 'basic', contacted: false, resolved: false }]]),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'handled', 'handledOnTime', 'dueHandle', 'closed',
        'closedOnTime', 'dueClose', 'settledCity', 'rated', 'basic'],
    ],
    [
      'rated unsatisfied: contacted by default, not resolved',
      () => build([...MAIN, 'close', ['rate', { rating: 'unsatisfied' }]]),
      ['received', 'registered', 'dispatched', 'dispatchedAccurate', 'handled', 'handledOnTime', 'dueHandle', 'closed',
        'closedOnTime', 'dueClose', 'settledGrid', 'rated', 'contacted'],
    ],
  ])('%s', (_, make, expected) => {
    expect(set(...ones(make()))).toEqual(set(...expected))
  })

  it('a null case contributes nothing', () => {
    expect(ones(null)).toEqual([])
  })

  it('writes at an offset with a sign, so a move is new − old', () => {
    const before = build(['register', 'dispatch'])
    const after = build(['register', 'dispatch', 'handle'])
    const v = new Int32Array(COUNTER_COUNT * 3)
    contribute(after, v, COUNTER_COUNT)
    contribute(before, v, COUNTER_COUNT, -1)
    expect(Array.from(v.subarray(0, COUNTER_COUNT)).every((x) => x === 0)).toBe(true)
    expect(Array.from(v.subarray(2 * COUNTER_COUNT)).every((x) => x === 0)).toBe(true)
    const delta = named(v, COUNTER_COUNT)
    expect(COUNTERS.filter((n) => delta[n] !== 0).sort()).toEqual(['dueHandle', 'handled', 'handledOnTime'])
    expect(delta.handled).toBe(1)
  })

  it('named maps a vector to names, in COUNTERS order', () => {
    const v = COUNTERS.map((_, i) => i * 10)
    const n = named(v)
    COUNTERS.forEach((name, i) => expect(n[name]).toBe(i * 10))
    expect(Object.keys(n)).toEqual([...COUNTERS])
    expect(new Set(Object.values(C)).size).toBe(COUNTER_COUNT)
    const at = named([-1, -2, ...v], 2)
    COUNTERS.forEach((name, i) => expect(at[name]).toBe(i * 10))
  })
})

describe('property: sums over random cases keep the counters consistent', () => {
  /** Walk a random valid path through the workflow. */
  function randomCase(choices: number[]): CaseState {
    let state = apply(1, null, { action: 'report', actor: 't', at: T0 }).next
    let at = T0
    for (const n of choices) {
      at += HOUR
      const options = allowedActions(state.state, state.level).filter(
        (a) => !(a === 'warn' && state.light !== 'green') && !(a === 'overdue' && state.light === 'red'),
      )
      if (!options.length) break
      const action = options[n % options.length]
      const data: EventData | undefined =
        action === 'register' ? { deadline: at + (n % 30) * HOUR }
        : action === 'dispatch' ? { department: 'D' + (n % 3) }
        : action === 'extend' ? { deadline: state.deadline! + HOUR }
        : action === 'rate' ? { rating: (['satisfied', 'basic', 'unsatisfied'] as const)[n % 3], contacted: n % 4 > 0 }
        : undefined
      state = apply(1, state, { action, actor: 't', at, data }).next
    }
    return state
  }

  it('numerators never exceed their denominators, and the bounded rates stay within 0..1', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(), { maxLength: 25 }), { minLength: 1, maxLength: 30 }), (cases) => {
        const v = new Int32Array(COUNTER_COUNT)
        for (const c of cases) contribute(randomCase(c), v)
        const s = named(v)
        expect(s.received).toBe(cases.length)
        expect(s.registered).toBeLessThanOrEqual(s.received)
        expect(s.dispatched).toBeLessThanOrEqual(s.registered)
        expect(s.dispatchedAccurate).toBeLessThanOrEqual(s.dispatched)
        expect(s.handledOnTime).toBeLessThanOrEqual(s.handled)
        expect(s.handled).toBeLessThanOrEqual(s.dueHandle)
        expect(s.closedOnTime).toBeLessThanOrEqual(s.closed)
        expect(s.closed).toBeLessThanOrEqual(s.dueClose)
        expect(s.overdueOpen).toBeLessThanOrEqual(s.dueHandle)
        expect(s.overdueOpen + s.warnedOpen).toBeLessThanOrEqual(s.open)
        expect(s.satisfied + s.basic).toBeLessThanOrEqual(s.rated)
        expect(s.contacted).toBeLessThanOrEqual(s.rated)
        expect(s.resolved).toBeLessThanOrEqual(s.rated)
        expect(s.settledGrid + s.settledCommunity + s.settledStreet + s.settledDistrict + s.settledCity).toBe(s.closed)
        expect(s.open + s.closed + s.voided).toBe(s.received)
        const r = indicators(s)
        for (const k of ['registrationRate', 'dispatchRate', 'dispatchAccuracy', 'handlingRate', 'onTimeHandlingRate',
          'closureRate', 'onTimeClosureRate', 'overdueRate', 'satisfactionRate', 'responseRate', 'resolutionRate',
          'threeRateComposite'] as const) {
          const x = r[k]
          if (x !== null) expect(x >= 0 && x <= 1 + 1e-12).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })
})
