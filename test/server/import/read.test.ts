import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import { kindOf, readRows, type SheetRow } from '../../../server/import/read'

async function all(it: AsyncIterable<SheetRow>): Promise<SheetRow[]> {
  const out: SheetRow[] = []
  for await (const r of it) out.push(r)
  return out
}
/** A stream that hands the bytes over in small pieces, so multi-byte characters straddle chunks. */
const chunked = (buf: Buffer, size = 7) =>
  Readable.from((function* () {
    for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size)
  })())

describe('CSV rows', () => {
  const csv = '\uFEFF工单编号,诉求内容,经度\r\nZZ1,"垃圾, 很多\r\n""臭""",113.6\r\n\r\nZZ2,噪音扰民,113.7\r\n'

  it('parses UTF-8 with BOM, quotes, embedded newlines, and numbers rows as a spreadsheet does', async () => {
    const rows = await all(readRows(chunked(Buffer.from(csv, 'utf8')), 'csv'))
    expect(rows).toEqual([
      { row: 1, cells: ['工单编号', '诉求内容', '经度'] },
      { row: 2, cells: ['ZZ1', '垃圾, 很多\r\n"臭"', '113.6'] },
      // The blank record is skipped but still counted.
      { row: 4, cells: ['ZZ2', '噪音扰民', '113.7'] },
    ])
  })

  it('decodes GB18030 (Excel on Chinese Windows) and UTF-16 with BOM', async () => {
    const text = '工单编号,诉求内容\nZZ1,暴露垃圾\n'
    // 工单编号 in GBK: B9 A4 B5 A5 B1 E0 BA C5
    const gbk = Buffer.from([0xb9, 0xa4, 0xb5, 0xa5, 0xb1, 0xe0, 0xba, 0xc5])
    expect(new TextDecoder('gb18030').decode(gbk)).toBe('工单编号')
    const body = Buffer.concat([gbk, Buffer.from(',x\nZZ1,y\n')])
    expect((await all(readRows(chunked(body), 'csv')))[0].cells).toEqual(['工单编号', 'x'])
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    expect((await all(readRows(chunked(utf16), 'csv')))[1].cells).toEqual(['ZZ1', '暴露垃圾'])
  })
})

describe('XLSX rows', () => {
  it('reads the first sheet, with dates as wall-clock serials, rich text and formula results', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('工单')
    ws.addRow(['工单编号', '来电时间', '诉求内容', '经度'])
    ws.addRow(['ZZ1', new Date(Date.UTC(2025, 11, 1, 9, 30)), { richText: [{ text: '垃圾' }, { text: '堆积' }] }, 113.6])
    ws.addRow([])
    ws.addRow(['ZZ2', '2025-12-01 10:00:00', '噪音', { formula: '1+1', result: 2 }])
    ws.getColumn(2).numFmt = 'yyyy-mm-dd hh:mm'
    wb.addWorksheet('说明').addRow(['not an order'])
    const buf = Buffer.from(await wb.xlsx.writeBuffer())
    expect(kindOf(buf)).toBe('xlsx')
    const rows = await all(readRows(buf, 'xlsx'))
    expect(rows.map((r) => r.row)).toEqual([1, 2, 4])
    expect(rows[1].cells[0]).toBe('ZZ1')
    // Styles are not read (speed): the date arrives as its serial, 2025-12-01 09:30 wall clock.
    expect(rows[1].cells[1]).toBeCloseTo(45992 + 9.5 / 24, 6)
    expect(rows[1].cells[2]).toBe('垃圾堆积')
    expect(rows[2].cells).toEqual(['ZZ2', '2025-12-01 10:00:00', '噪音', 2])
  })

  it('keeps Chinese text whole when characters straddle the decompressed chunks', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('工单')
    // Vary the lengths so 3-byte characters fall on every chunk boundary somewhere; inline and shared strings.
    const texts = Array.from({ length: 3000 }, (_, i) => `市民反映${'垃圾堆积无人清理'.repeat(1 + (i % 7))}第${i}号`)
    texts.forEach((t, i) => ws.addRow([t, `地址${i}：二七区大学路${i}号`]))
    const buf = Buffer.from(await wb.xlsx.writeBuffer())
    const rows = await all(readRows(buf, 'xlsx'))
    expect(rows.map((r) => r.cells[0])).toEqual(texts)
    expect(rows.every((r, i) => r.cells[1] === `地址${i}：二七区大学路${i}号`)).toBe(true)
  })

  it('reports how much of the data it has parsed, out of a total known up front', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('工单')
    for (let i = 0; i < 500; i++) ws.addRow([`ZZ${i}`, `诉求内容${i}`])
    const buf = Buffer.from(await wb.xlsx.writeBuffer())
    let total = 0
    let seen = 0
    const rows = await all(readRows(buf, 'xlsx', { onTotal: (n) => (total = n), onBytes: (n) => (seen += n) }))
    expect(total).toBeGreaterThan(10_000)
    expect(rows).toHaveLength(500)
    expect(seen).toBe(total)
    const csv = Buffer.from('工单编号,诉求内容\n' + Array.from({ length: 500 }, (_, i) => `ZZ${i},诉求${i}`).join('\n'))
    let csvSeen = 0
    await all(readRows(chunked(csv, 100), 'csv', { onBytes: (n) => (csvSeen += n) }))
    expect(csvSeen).toBe(csv.length)
  })

  it('sniffs the kind from the first bytes, then the name', () => {
    expect(kindOf(Buffer.from('工单编号,'))).toBe('csv')
    expect(kindOf(Buffer.from('abc'), 'x.XLSX')).toBe('xlsx')
  })
})
