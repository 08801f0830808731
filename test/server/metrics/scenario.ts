// Random but valid workflows for many cases, interleaved so that events are out of time order across
// cases (each case's own events stay in order, as the ingest requires). fast-check arbitraries + a driver.
import fc from 'fast-check'
import { allowedActions, TransitionError, type Command, type EventData } from '../../../shared/workflow'
import { SOURCES } from '../../../shared/protocol'
import type { Change } from '../../../server/metrics/engine'
import { DEPARTMENTS, MATTERS, type Recorder, type WorldGrids } from './world'

const HOUR = 3_600_000
const DAY = 24 * HOUR

const stepArb = fc.record({
  choice: fc.nat(),
  gap: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 60_000, max: 3 * HOUR }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 * DAY }) },
  ),
  extra: fc.nat(),
})

export const caseArb = fc.record({
  grid: fc.nat(),
  special: fc.option(fc.nat(), { nil: null }),
  source: fc.nat(),
  matter: fc.nat(),
  ago: fc.oneof(fc.integer({ min: 0, max: 50 * HOUR }), fc.integer({ min: 0, max: 45 * DAY })),
  steps: fc.array(stepArb, { minLength: 2, maxLength: 14, size: '+1' }),
})
export interface CaseSpec {
  grid: number
  special: number | null
  source: number
  matter: number
  ago: number
  steps: { choice: number; gap: number; extra: number }[]
}

export const scenarioArb = fc.record({
  now: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) }),
  cases: fc.array(caseArb, { minLength: 1, maxLength: 30, size: '+1' }),
  order: fc.array(fc.nat(), { maxLength: 300, size: '+1' }),
})
export interface Scenario {
  now: number
  cases: CaseSpec[]
  order: number[]
}

const MAIN_PATH = new Set(['verify', 'register', 'dispatch', 'handle', 'check', 'close', 'rate'])

function command(state: ReturnType<Recorder['state']>, step: CaseSpec['steps'][number], at: number): Command | null {
  const allowed = allowedActions(state!.state, state!.level)
  if (allowed.length === 0) return null
  // Mostly along the main path, so deep states (handled, checked, closed, rated) are reached often.
  const forward = allowed.filter((a) => MAIN_PATH.has(a))
  const action =
    step.choice % 10 < 6 && forward.length ? forward[step.choice % forward.length] : allowed[step.choice % allowed.length]
  const x = step.extra
  let data: EventData | undefined
  switch (action) {
    case 'register':
      data = { deadline: at + (1 + (x % 96)) * HOUR }
      break
    case 'dispatch':
      data = { department: DEPARTMENTS[x % DEPARTMENTS.length].code }
      break
    case 'extend':
      data = { deadline: Math.max(state!.deadline ?? at, at) + (1 + (x % 48)) * HOUR }
      break
    case 'rate':
      data = { rating: (['satisfied', 'basic', 'unsatisfied'] as const)[x % 3], contacted: x % 5 !== 0 }
      if (x % 4 === 0) data.resolved = x % 8 === 0
      break
    case 'escalate':
      data = { tri: x % 7 === 0 }
      break
  }
  return { action, actor: 'prop', at, ...(data ? { data } : {}) }
}

/** Play a scenario into the recorder; `sink` gets each committed step's Changes in log order. */
export function play(s: Scenario, grids: WorldGrids, recorder: Recorder, sink: (changes: Change[]) => void): number {
  const runs = s.cases.map((c) => ({ spec: c, caseId: 0, at: s.now - c.ago, next: -1 }))
  const pending = () => runs.filter((r) => r.next < r.spec.steps.length)
  const advance = (r: (typeof runs)[number]) => {
    if (r.next === -1) {
      const { caseId, changes } = recorder.report({
        grid: grids.micro[r.spec.grid % grids.micro.length],
        special: r.spec.special === null ? null : grids.special[r.spec.special % grids.special.length],
        source: SOURCES[r.spec.source % SOURCES.length],
        matter: MATTERS[r.spec.matter % MATTERS.length].code,
        at: r.at,
      })
      r.caseId = caseId
      r.next = 0
      sink(changes)
      return
    }
    const step = r.spec.steps[r.next++]
    const at = r.at + step.gap
    if (at > s.now) {
      r.next = r.spec.steps.length
      return
    }
    const cmd = command(recorder.state(r.caseId), step, at)
    if (!cmd) return
    try {
      sink([recorder.act(r.caseId, cmd)])
      r.at = at
    } catch (e) {
      if (!(e instanceof TransitionError)) throw e // e.g. warn on a yellow light: skip the step
    }
  }
  let events = 0
  const count = (r: (typeof runs)[number]) => {
    advance(r)
    events++
  }
  for (const pick of s.order) {
    const p = pending()
    if (p.length === 0) break
    count(p[pick % p.length])
  }
  for (let p = pending(); p.length; p = pending()) for (const r of p) count(r)
  return events
}
