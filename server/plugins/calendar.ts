// How far the working calendar's holiday data reaches, against the longest time limit in the catalogue.
// When a case registered today can fall due past the last day the holidays are known, deadlines beyond it
// are counted Monday–Friday: the server says so in a warning at start, in GET /api/health and on the wall.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { coverage, type CalendarCoverage, type LimitKind } from '../../shared/timelimit'
import type { Matter } from '../cases/catalogue'

declare module 'fastify' {
  interface FastifyInstance {
    /** The calendar's coverage for a case registered at `now` (default: now) under today's catalogue. */
    calendarCoverage(now?: number): CalendarCoverage
  }
}

/** The distinct time limits of a catalogue (a few dozen), so the check costs microseconds per probe. */
function limitsOf(matters: Iterable<Matter>): { kind: LimitKind; value: number }[] {
  const seen = new Map<string, { kind: LimitKind; value: number }>()
  for (const m of matters) seen.set(`${m.limitKind}:${m.limitValue}`, { kind: m.limitKind, value: m.limitValue })
  return [...seen.values()]
}

export function coverageWarning(c: CalendarCoverage): string | null {
  if (!c.short) return null
  return `working calendar: holidays and 调休 days are known through ${c.coveredThrough}, but a case registered today ` +
    `can fall due as late as ${c.horizon}; days after ${c.coveredThrough} are counted as Monday–Friday working days. ` +
    `Add next year's schedule with ONESCREEN_CALENDAR (a JSON or .ics file).`
}

export default fp(
  async function calendar(app: FastifyInstance) {
    let matters: Map<string, Matter> | null = null
    let limits: { kind: LimitKind; value: number }[] = []
    app.decorate('calendarCoverage', (now = Date.now()) => {
      const current = app.catalogue.matters // replaced as a whole when the catalogue is reloaded
      if (current !== matters) [matters, limits] = [current, limitsOf(current.values())]
      return coverage(app.config.calendar, now, limits)
    })
    app.addHook('onReady', async () => {
      const warning = coverageWarning(app.calendarCoverage())
      if (warning) app.log.warn(warning)
    })
  },
  { name: 'calendar', dependencies: ['ingest'] },
)
