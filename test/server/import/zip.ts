// Zip archives built byte by byte for tests: an XLSX whose sheet inflates to a gigabyte from a megabyte
// ("zip bomb"), made in a few milliseconds and never held inflated. A deflate stream may be a run of
// independently compressed blocks (each flushed with Z_FULL_FLUSH, so none refers back to another), so one
// compressed megabyte of rows, repeated, is a valid stream of any length.
import { constants, deflateRawSync } from 'node:zlib'

export interface ZipEntry {
  name: string
  /** The entry's data as stored (deflated unless `stored`). */
  data: Buffer
  stored?: boolean
  /** What the central directory claims the entry inflates to. */
  declaredSize: number
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2)
  b.writeUInt16LE(n)
  return b
}
const u32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n >>> 0)
  return b
}

export function buildZip(entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name)
    const method = e.stored ? 0 : 8
    // version, flags, method, time, date, crc (not checked by readers that stream), sizes, name length, extra length
    const common = [u16(20), u16(0), u16(method), u16(0), u16(0x21), u32(0), u32(e.data.length), u32(e.declaredSize), u16(name.length), u16(0)]
    const local = Buffer.concat([u32(0x04034b50), ...common, name])
    parts.push(local, e.data)
    central.push(Buffer.concat([u32(0x02014b50), u16(20), ...common, u16(0), u16(0), u16(0), u32(0), u32(offset), name]))
    offset += local.length + e.data.length
  }
  const cd = Buffer.concat(central)
  const end = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(entries.length), u16(entries.length), u32(cd.length), u32(offset), u16(0)])
  return Buffer.concat([...parts, cd, end])
}

const flushed = (s: string) => deflateRawSync(Buffer.from(s), { finishFlush: constants.Z_FULL_FLUSH })
/** The end of a deflate stream: an empty final block. */
const FINAL = deflateRawSync(Buffer.alloc(0))

/** A deflated worksheet of about `mib` MiB of rows, and its true inflated size. */
export function bombSheet(mib: number): { data: Buffer; size: number } {
  // A header an import accepts, then rows of nothing useful: the import reads on until the bomb goes off.
  const cell = (t: string) => `<c t="inlineStr"><is><t>${t}</t></is></c>`
  const header = `<row>${['工单编号', '来电时间', '诉求内容', '经度', '纬度', '事项分类'].map(cell).join('')}</row>`
  const head = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${header}`
  const tail = '</sheetData></worksheet>'
  const row = '<row><c t="inlineStr"><is><t>ZZ</t></is></c></row>'
  const unit = row.repeat(Math.floor((1 << 20) / row.length))
  const u = flushed(unit)
  const data = Buffer.concat([flushed(head), ...Array.from({ length: mib }, () => u), flushed(tail), FINAL])
  return { data, size: Buffer.byteLength(head) + unit.length * mib + tail.length }
}

const WORKBOOK =
  '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="工单" sheetId="1" r:id="rId1"/></sheets></workbook>'
const RELS =
  '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'

/** An XLSX whose one sheet inflates to `mib` MiB; `declare` overrides the size its directory claims. */
export function zipBombXlsx(mib: number, declare?: number): Buffer {
  const sheet = bombSheet(mib)
  return buildZip([
    { name: 'xl/workbook.xml', data: Buffer.from(WORKBOOK), stored: true, declaredSize: Buffer.byteLength(WORKBOOK) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(RELS), stored: true, declaredSize: Buffer.byteLength(RELS) },
    { name: 'xl/worksheets/sheet1.xml', data: sheet.data, declaredSize: declare ?? sheet.size },
  ])
}
