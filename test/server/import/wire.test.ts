import { serialize } from 'node:v8'
import { describe, expect, it } from 'vitest'
import { CatalogueLookup } from '../../../server/import/catalogue'
import { DEFAULT_MAPPING, resolveColumns } from '../../../server/import/mapping'
import type { ParsedBatch, ParsedRow } from '../../../server/import/parse'
import { RowReader } from '../../../server/import/row'
import { packBatch, packedExternalId, packedRow, unpackRow, type PackedBatch } from '../../../server/import/wire'

const HEAD = ['工单编号', '来电时间', '诉求内容', '地址', '经度', '纬度', '事项分类', '承办单位', '派单时间', '办结时间', '满意度', '回访时间', '来电人', '联系电话']
const lookup = new CatalogueLookup(
  [{ code: '20100101', name: '暴露垃圾', bigClassName: '市容环境', smallClassName: '垃圾', department: 'CGJ' }],
  [{ code: 'CGJ', name: '二七区城市管理局' }],
)
const columns = resolveColumns(HEAD, DEFAULT_MAPPING)
const reader = new RowReader({ mapping: DEFAULT_MAPPING, columns, lookup, now: Date.parse('2026-01-10T00:00:00Z') })

function parsed(n: number): ParsedRow[] {
  return Array.from({ length: n }, (_, i) => {
    // A mix: closed and rated, only dispatched, only reported; with and without the optional columns.
    const closed = i % 3 === 0
    const cells = [
      `ZZ${String(i).padStart(8, '0')}`, '2025-12-01 09:00:00', `小区门口垃圾堆积 ${i}`, i % 2 ? '郑州市二七区大学路1号' : '',
      '113.62', '34.74', '暴露垃圾', i % 3 === 1 ? '二七区城市管理局' : '', '', closed ? '2025-12-02 10:00:00' : '',
      closed ? '基本满意' : '', '', i % 4 ? '张先生' : '', i % 5 ? '13812345678' : '',
    ]
    const r = reader.read(cells, i + 2)
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    return { row: i + 2, report: r.report, columns: r.columns }
  })
}

/** A whole batch back, as the main thread unpacks it row by row. */
const unpackBatch = ({ headers, columns, rows }: PackedBatch): ParsedBatch => ({ headers, rows: rows.map((x) => unpackRow(x, columns)) })

describe('rows between the import thread and the main thread', () => {
  it('arrive as they left: the same reports, commands, data and columns, absent fields absent', () => {
    const batch: ParsedBatch = { rows: parsed(30), headers: columns.header }
    // Not only what the row reader makes: another actor on a command and a reason survive too.
    batch.rows[1].report.then[0] = { ...batch.rows[1].report.then[0], actor: 'someone:else', reason: '复核' }
    const back = unpackBatch(structuredClone(packBatch(batch)))
    expect(back).toStrictEqual(batch)
  })

  it('unpack one at a time as the whole batch does; number and 工单编号 read without unpacking', () => {
    const batch: ParsedBatch = { rows: parsed(12), headers: columns.header }
    const packed = structuredClone(packBatch(batch))
    expect(packed.rows.map((x) => unpackRow(x, packed.columns))).toStrictEqual(batch.rows)
    expect(packed.rows.map((x) => [packedRow(x), packedExternalId(x)])).toEqual(batch.rows.map((r) => [r.row, r.report.externalId]))
  })

  it('cost far fewer bytes to clone than the objects', () => {
    const batch: ParsedBatch = { rows: parsed(300), headers: columns.header }
    expect(serialize(packBatch(batch)).length).toBeLessThan(0.6 * serialize(batch).length)
  })
})
