// The committed log on the wire between a writer and its live processes: one Redis Stream entry per commit
// (a group commit's events together), and the same changes in the writer's HTTP catch-up. Pure.
//
// An entry's stream ID is `<last event id>-0`, so "read from the checkpoint's last event" is an XREAD from
// `<lastEventId>-0`. Each entry names `prev`, the writer's last committed event before it: a reader whose
// own last event is older than `prev` has missed something (a trimmed stream, a Redis restart, a commit
// Redis did not take) and catches up from the writer before it applies the entry.
import type { Committed } from '../cases/types'
import { maskText } from '../../shared/mask'
import type { LoggedChange } from '../metrics/engine'

export interface LogEntry {
  /** The writer's last committed event id before this entry's first. */
  prev: number
  changes: LoggedChange[]
}

/**
 * A committed change as it may leave the writer: the facts the metrics and the feed use, and no personal
 * data: the description is masked here (as every screen shows it) and the reporter's name stays behind.
 */
export function changeOf(c: Committed | LoggedChange): LoggedChange {
  const f = c.facts
  return {
    id: c.id, event: c.event, before: c.before, after: c.after,
    facts: {
      grid: f.grid, special: f.special, source: f.source, matter: f.matter, lon: f.lon, lat: f.lat,
      description: maskText(f.description, { names: [f.reporterName] }), reporterName: null,
    },
  }
}

export const streamIdOf = (eventId: number) => `${eventId}-0`

/** The event id a stream ID stands for (entries this writer did not add have other IDs: NaN). */
export function eventIdOf(streamId: string): number {
  const m = /^(\d+)-0$/.exec(streamId)
  return m ? Number(m[1]) : NaN
}

export function encodeEntry(e: LogEntry): { id: string; fields: Record<string, string> } {
  return { id: streamIdOf(e.changes[e.changes.length - 1].id), fields: { prev: String(e.prev), changes: JSON.stringify(e.changes) } }
}

export function decodeEntry(fields: Record<string, string>): LogEntry {
  const prev = Number(fields.prev)
  const changes = JSON.parse(fields.changes ?? 'null') as LoggedChange[]
  if (!Number.isInteger(prev) || !Array.isArray(changes)) throw new Error('a log stream entry without prev or changes')
  return { prev, changes }
}
