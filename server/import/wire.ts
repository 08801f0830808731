// Good rows on their way from the import thread to the main thread, packed. A message crosses the thread
// boundary by structured clone, and the main thread pays for unpacking it: as ParsedRow objects (a report, its
// commands, their data, the columns) a 100,000-row import was 89 MB of clone, and deserializing it took the
// event loop 0.4–1.5 s. As one array of plain values per row, with the column names a batch repeats in a
// table, it is a third of the bytes and of the time; building the objects again from it costs less still.
import type { Command } from '../../shared/workflow'
import type { ParsedBatch, ParsedRow } from './parse'
import type { RowReport } from './row'

/** A batch as it crosses: `rows` holds one array per row (layout in pack), `columns` the names they index. */
export interface PackedBatch {
  headers: Record<string, string>
  columns: string[]
  rows: unknown[][]
}

/** Slots of a row before its commands, and slots per command (action, at, actor or null, data, reason, column). */
const HEAD = 12
const PER_COMMAND = 6

export function packBatch({ rows, headers }: ParsedBatch): PackedBatch {
  const columns: string[] = []
  const columnIndex = new Map<string, number>()
  const packed = rows.map(({ row, report: r, columns: cols }) => {
    const out: unknown[] = [
      row, r.externalId, r.matter, r.lon, r.lat, r.crs, r.description, r.address ?? null, r.reporterName ?? null,
      r.reporterPhone ?? null, r.reportedAt, r.actor,
    ]
    r.then.forEach((c, i) => {
      let k = columnIndex.get(cols[i])
      if (k === undefined) columnIndex.set(cols[i], (k = columns.push(cols[i]) - 1))
      // An import's commands are all its actor's: null says "the report's actor" without the string again.
      out.push(c.action, c.at, c.actor === r.actor ? null : c.actor, c.data ?? null, c.reason ?? null, k)
    })
    return out
  })
  return { headers, columns, rows: packed }
}

/** A packed row's number in the file and its 工单编号, without unpacking the row. */
export const packedRow = (x: readonly unknown[]) => x[0] as number
export const packedExternalId = (x: readonly unknown[]) => x[1] as string

/** One row of a batch, as it left (the main thread unpacks each just before it commits it: the objects then
 * die young, instead of outliving the scavenges a batch's commits take and being promoted). */
export function unpackRow(x: readonly unknown[], columns: readonly string[]): ParsedRow {
  const actor = x[11] as string
  const then: Command[] = []
  const cols: string[] = []
  for (let o = HEAD; o < x.length; o += PER_COMMAND) {
    const c: Command = { action: x[o] as Command['action'], actor: (x[o + 2] as string | null) ?? actor, at: x[o + 1] as number }
    if (x[o + 3] !== null) c.data = x[o + 3] as Command['data']
    if (x[o + 4] !== null) c.reason = x[o + 4] as string
    then.push(c)
    cols.push(columns[x[o + 5] as number])
  }
  const report: RowReport = {
    source: 'hotline', matter: x[2] as string, lon: x[3] as number, lat: x[4] as number, crs: x[5] as RowReport['crs'],
    description: x[6] as string, externalId: x[1] as string, reportedAt: x[10] as number, actor, then,
  }
  if (x[7] !== null) report.address = x[7] as string
  if (x[8] !== null) report.reporterName = x[8] as string
  if (x[9] !== null) report.reporterPhone = x[9] as string
  return { row: x[0] as number, report, columns: cols }
}
