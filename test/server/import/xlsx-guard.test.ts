// Zip bombs: an XLSX that inflates far beyond its size is refused with a 413 that says why, before (or as
// soon as) it inflates past what is allowed, never after inflating it all.
import { describe, expect, it } from 'vitest'
import { readRows } from '../../../server/import/read'
import { DEFAULT_INFLATE_LIMITS } from '../../../server/import/xlsx'
import { IngestError } from '../../../server/cases/errors'
import { bombSheet, zipBombXlsx } from './zip'

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
