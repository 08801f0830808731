// Every case's workflow state in flat typed arrays, for the full rebuild: millions of events fold in here
// without an object per event. It mirrors shared/workflow `reduce` field by field (the rebuild test holds the
// two to the same result); `stateOf` turns one case back into a CaseState for shared/counters.
import { ACTIONS, LEVELS, STATES, TRANSITIONS, type Action, type CaseState, type EventData, type Rating } from '../../shared/workflow'

const ACTION_CODE: Record<string, number> = Object.fromEntries(ACTIONS.map((a, i) => [a, i]))
const CITY = LEVELS.length - 1
const RATINGS: (Rating | null)[] = [null, 'satisfied', 'basic', 'unsatisfied']
const RATING_CODE: Record<string, number> = { satisfied: 1, basic: 2, unsatisfied: 3 }
const LIGHTS = ['green', 'yellow', 'red'] as const
/** State code an action leads to; -1 keeps the state. */
const TO_STATE = Int8Array.from(ACTIONS, (a: Action) => {
  if (a === 'report') return STATES.indexOf('reported')
  const to = TRANSITIONS[a].to
  return to === 'same' ? -1 : STATES.indexOf(to)
})
const A = Object.fromEntries(ACTIONS.map((a, i) => [a, i])) as Record<Action, number>

const F_SUPERVISED = 1
const F_FORCED = 2
const F_CONTACTED = 4
const F_RESOLVED = 8
const F_EXISTS = 16

export class CaseFold {
  readonly state: Uint8Array
  readonly level: Uint8Array
  readonly light: Uint8Array
  readonly rating: Uint8Array
  readonly flags: Uint8Array
  readonly dept: Int32Array
  readonly reworks: Uint16Array
  readonly returns: Uint16Array
  readonly extensions: Uint16Array
  readonly reportedAt: Float64Array
  readonly registeredAt: Float64Array
  readonly dispatchedAt: Float64Array
  readonly handledAt: Float64Array
  readonly closedAt: Float64Array
  readonly deadline: Float64Array
  /** Department codes by index (new ones are appended as the log names them). */
  readonly departments: string[] = []
  private readonly deptIndex = new Map<string, number>()

  constructor(readonly capacity: number) {
    const n = capacity
    this.state = new Uint8Array(n)
    this.level = new Uint8Array(n)
    this.light = new Uint8Array(n)
    this.rating = new Uint8Array(n)
    this.flags = new Uint8Array(n)
    this.dept = new Int32Array(n).fill(-1)
    this.reworks = new Uint16Array(n)
    this.returns = new Uint16Array(n)
    this.extensions = new Uint16Array(n)
    this.reportedAt = new Float64Array(n)
    this.registeredAt = new Float64Array(n).fill(NaN)
    this.dispatchedAt = new Float64Array(n).fill(NaN)
    this.handledAt = new Float64Array(n).fill(NaN)
    this.closedAt = new Float64Array(n).fill(NaN)
    this.deadline = new Float64Array(n).fill(NaN)
  }

  exists(id: number): boolean {
    return (this.flags[id] & F_EXISTS) !== 0
  }

  /** Fold one event row (as stored in case_events) into case `id`. */
  fold(id: number, action: string, at: number, data: string | null): void {
    const a = ACTION_CODE[action]
    if (a === A.report) {
      this.state[id] = TO_STATE[a]
      this.level[id] = 0
      this.light[id] = 0
      this.rating[id] = 0
      this.flags[id] = F_EXISTS
      this.dept[id] = -1
      this.reworks[id] = this.returns[id] = this.extensions[id] = 0
      this.reportedAt[id] = at
      this.registeredAt[id] = this.dispatchedAt[id] = this.handledAt[id] = this.closedAt[id] = this.deadline[id] = NaN
      return
    }
    const to = TO_STATE[a]
    if (to >= 0) this.state[id] = to
    switch (a) {
      case A.escalate:
        // As decide: a 三跨 case goes straight to the city, any other one rung up the ladder.
        this.level[id] = parse(data).tri ? CITY : Math.min(this.level[id] + 1, CITY)
        break
      case A.register:
        this.registeredAt[id] = at
        this.deadline[id] = parse(data).deadline!
        break
      case A.dispatch:
        this.dept[id] = this.deptCode(parse(data).department!)
        if (Number.isNaN(this.dispatchedAt[id])) this.dispatchedAt[id] = at
        break
      case A.return:
        this.returns[id]++
        break
      case A.handle:
        this.handledAt[id] = at
        break
      case A.rework:
        this.handledAt[id] = NaN
        this.reworks[id]++
        break
      case A.close:
        this.closedAt[id] = at
        break
      case A.force_close:
        this.closedAt[id] = at
        this.flags[id] |= F_FORCED
        break
      case A.rate: {
        const d = parse(data)
        this.rating[id] = RATING_CODE[d.rating!]
        const contacted = d.contacted ?? true
        const resolved = d.resolved ?? d.rating !== 'unsatisfied'
        this.flags[id] = (this.flags[id] & ~(F_CONTACTED | F_RESOLVED)) | (contacted ? F_CONTACTED : 0) | (resolved ? F_RESOLVED : 0)
        break
      }
      case A.extend:
        this.deadline[id] = parse(data).deadline!
        this.extensions[id]++
        this.light[id] = 0
        break
      case A.supervise:
        this.flags[id] |= F_SUPERVISED
        break
      case A.warn:
        this.light[id] = 1
        break
      case A.overdue:
        this.light[id] = 2
        break
    }
  }

  private deptCode(code: string): number {
    let i = this.deptIndex.get(code)
    if (i === undefined) {
      i = this.departments.length
      this.departments.push(code)
      this.deptIndex.set(code, i)
    }
    return i
  }

  stateOf(id: number): CaseState {
    const f = this.flags[id]
    return {
      state: STATES[this.state[id]],
      level: LEVELS[this.level[id]],
      department: this.dept[id] < 0 ? null : this.departments[this.dept[id]],
      deadline: orNull(this.deadline[id]),
      light: LIGHTS[this.light[id]],
      reportedAt: this.reportedAt[id],
      registeredAt: orNull(this.registeredAt[id]),
      dispatchedAt: orNull(this.dispatchedAt[id]),
      handledAt: orNull(this.handledAt[id]),
      closedAt: orNull(this.closedAt[id]),
      reworks: this.reworks[id],
      returns: this.returns[id],
      extensions: this.extensions[id],
      supervised: (f & F_SUPERVISED) !== 0,
      forced: (f & F_FORCED) !== 0,
      rating: RATINGS[this.rating[id]],
      contacted: (f & F_CONTACTED) !== 0,
      resolved: (f & F_RESOLVED) !== 0,
    }
  }
}

const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v)
const parse = (data: string | null): EventData => (data === null ? {} : JSON.parse(data))
