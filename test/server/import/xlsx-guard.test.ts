// Zip bombs: an XLSX that inflates far beyond its size is refused with a 413 that says why, before (or as
// soon as) it inflates past what is allowed, never after inflating it all.
import { describe, expect, it } from 'vitest'
import { readRows } from '../../../server/import/read'
import { DEFAULT_INFLATE_LIMITS } from '../../../server/import/xlsx'
import { IngestError } from '../../../server/cases/errors'
import { deflateRawSync } from 'node:zlib'
import { bombSheet, buildZip, zipBombXlsx } from './zip'

async function drain(buf: Buffer, limits = DEFAULT_INFLATE_LIMITS): Promise<{ rows: number; error: IngestError | null; ms: number }> {
  const t0 = performance.now()
  let rows = 0
  try {
    for await (const _ of readRows(buf, 'xlsx', { limits })) rows++
    return { rows, error: null, ms: performance.now() - t0 }
  } catch (e) {
    if (!(e instanceof IngestError)) throw e
    return { rows, error: e, ms: performance.now() - t0 }
  }
}

describe('inflating an XLSX', () => {
  it('reads a generated sheet whole when it is within the limits (the bomb is a valid file)', async () => {
    const r = await drain(zipBombXlsx(2), { ...DEFAULT_INFLATE_LIMITS, maxRatio: 10_000 })
    expect(r.error).toBeNull()
    const row = '<row><c t="inlineStr"><is><t>ZZ</t></is></c></row>'
    expect(r.rows).toBe(1 + 2 * Math.floor((1 << 20) / row.length))
  })

  it('refuses a 1 GiB sheet that says what it is, without inflating any of it', async () => {
    const bomb = zipBombXlsx(1024)
    expect(bomb.length).toBeLessThan(4 << 20)
    const r = await drain(bomb)
    expect(r.error).toMatchObject({ statusCode: 413, field: 'file', message: expect.stringMatching(/sheet1\.xml is compressed \d+:1 .*zip bomb/) })
    expect(r.rows).toBe(0)
    expect(r.ms).toBeLessThan(1000)
  })

  it('stops a sheet that claims to be small as soon as it inflates past its claim', async () => {
    const r = await drain(zipBombXlsx(1024, 2 << 20))
    expect(r.error).toMatchObject({ statusCode: 413, message: expect.stringMatching(/inflates to more than the 2 MiB it declares/) })
    // About 2 MiB of rows went by, not a gigabyte.
    expect(r.rows).toBeLessThan(60_000)
    expect(r.ms).toBeLessThan(5000)
  })

  it('refuses a file over the total limit even at an ordinary ratio', async () => {
    const r = await drain(zipBombXlsx(8), { ...DEFAULT_INFLATE_LIMITS, maxRatio: 10_000, maxBytes: 4 << 20 })
    expect(r.error).toMatchObject({ statusCode: 413, message: expect.stringMatching(/inflates to 8 MiB, more than the 4 MiB an import may/) })
  })

  it('compresses the test bomb far beyond a spreadsheet (an export is ~10:1)', () => {
    const { data, size } = bombSheet(64)
    expect(size / data.length).toBeGreaterThan(300)
  })
})

describe('the shared strings of an XLSX', () => {
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
  const si = (t: string) => `<si><t>${t}</t></si>`
  /** A workbook whose sheet has a header and `rows` rows of shared strings (row i uses strings 2i and 2i+1 after the header's). */
  function sharedXlsx(rows: number, strings: { data: Buffer; size: number }): Buffer {
    const cell = (i: number) => `<c t="s"><v>${i}</v></c>`
    const body = Array.from({ length: rows }, (_, i) => `<row>${cell(2 + 2 * i)}${cell(3 + 2 * i)}</row>`).join('')
    const sheet = `<?xml version="1.0"?><worksheet ${ns}><sheetData><row>${cell(1)}${cell(0)}</row>${body}</sheetData></worksheet>`
    return buildZip([
      // Deflated, so the sheet arrives in chunks (of 16 KiB inflated) as a real one does.
      { name: 'xl/worksheets/sheet1.xml', data: deflateRawSync(Buffer.from(sheet)), declaredSize: Buffer.byteLength(sheet) },
      { name: 'xl/sharedStrings.xml', data: strings.data, declaredSize: strings.size },
    ])
  }
  const table = (n: number) => `<?xml version="1.0"?><sst ${ns}>${si('诉求内容')}${si('工单编号')}${Array.from({ length: n }, (_, i) => si(`ZZ${i}`) + si(`第${i}号`)).join('')}</sst>`
  const deflated = (s: string) => ({ data: deflateRawSync(Buffer.from(s)), size: Buffer.byteLength(s) })

  it('resolves strings in any order of the table', async () => {
    const rows = []
    for await (const r of readRows(sharedXlsx(3, deflated(table(3))), 'xlsx')) rows.push(r)
    expect(rows.map((r) => r.cells)).toEqual([['工单编号', '诉求内容'], ['ZZ0', '第0号'], ['ZZ1', '第1号'], ['ZZ2', '第2号']])
  })

  it('hands out the first rows before reading the whole table, and still refuses a table that inflates past its claim', async () => {
    // 200,000 strings (~5 MB inflated) claiming to be 1 MiB: the rows of the first MiB's strings come out first.
    const n = 100_000
    const big = deflated(table(n))
    const r = await drain(sharedXlsx(n, { data: big.data, size: 1 << 20 }), { ...DEFAULT_INFLATE_LIMITS, maxRatio: 10_000 })
    expect(r.error).toMatchObject({ statusCode: 413, message: expect.stringMatching(/sharedStrings\.xml inflates to more than the 1 MiB it declares/) })
    expect(r.rows).toBeGreaterThan(1000)
    expect(r.rows).toBeLessThan(n)
  })
})
