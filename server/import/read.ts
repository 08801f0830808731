// Rows of an export, streamed: neither reader holds the file in memory, so a 100,000-row export costs the same
// memory as a small one. CSV is decoded as UTF-8 (with or without BOM), UTF-16 (BOM) or, failing UTF-8, as
// GB18030: Excel on a Chinese Windows saves "CSV" in the local code page.
import { PassThrough, Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import Papa from 'papaparse'
import type { Cell } from './cells'

export type FileKind = 'csv' | 'xlsx'

export interface SheetRow {
  /** As a spreadsheet numbers it: the first row (the header) is 1. */
  row: number
  cells: Cell[]
}

/** XLSX files are zip archives; everything else is taken as delimited text. */
export function kindOf(head: Uint8Array, name = ''): FileKind {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx'
  if (/\.xlsx$/i.test(name)) return 'xlsx'
  return 'csv'
}

/**
 * The rows of a file. `onBytes` hears how much of the data has been parsed: bytes of the file for CSV, bytes
 * of the (uncompressed) worksheet for XLSX, whose total sheetBytes() gives; a progress bar needs both.
 */
export function readRows(source: Readable, kind: FileKind, onBytes?: (n: number) => void): AsyncGenerator<SheetRow> {
  return kind === 'xlsx' ? readXlsx(source, onBytes) : readCsv(source, onBytes)
}

/** Uncompressed size of an XLSX's first worksheet, from the zip's central directory (or null). */
export function sheetBytes(zip: Buffer): number | null {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end < 0 || end + 22 > zip.length) return null
  let at = zip.readUInt32LE(end + 16)
  for (let i = zip.readUInt16LE(end + 10); i > 0 && at + 46 <= zip.length; i--) {
    if (zip.readUInt32LE(at) !== 0x02014b50) return null
    const nameLength = zip.readUInt16LE(at + 28)
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength)
    if (/^\/?xl\/worksheets\/sheet\d+\.xml$/.test(name)) return zip.readUInt32LE(at + 24)
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)
  }
  return null
}

const SNIFF_BYTES = 64 * 1024

function encodingOf(sample: Buffer): string {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8'
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le'
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be'
  try {
    // stream: true lets the sample end inside a multi-byte character.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true })
    return 'utf-8'
  } catch {
    return 'gb18030'
  }
}

async function* decode(source: AsyncIterable<Buffer | string>, onBytes?: (n: number) => void): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null
  let pending: Buffer[] = []
  let size = 0
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    onBytes?.(buf.length)
    if (!decoder) {
      pending.push(buf)
      size += buf.length
      if (size < SNIFF_BYTES) continue
      const all = Buffer.concat(pending)
      pending = []
      decoder = new TextDecoder(encodingOf(all))
      yield decoder.decode(all, { stream: true })
      continue
    }
    yield decoder.decode(buf, { stream: true })
  }
  if (!decoder) {
    const all = Buffer.concat(pending)
    decoder = new TextDecoder(encodingOf(all))
    yield decoder.decode(all, { stream: true })
  }
  yield decoder.decode()
}

const blank = (cells: readonly Cell[]) => cells.every((c) => c === null || c === '')

async function* readCsv(source: Readable, onBytes?: (n: number) => void): AsyncGenerator<SheetRow> {
  // TextDecoder drops the BOM itself; papaparse then sees clean text.
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { header: false, skipEmptyLines: false })
  const text = Readable.from(decode(source, onBytes))
  text.on('error', (e) => parser.destroy(e))
  text.pipe(parser)
  let row = 0
  for await (const record of parser as AsyncIterable<string[]>) {
    row++
    if (!blank(record)) yield { row, cells: record }
  }
}

type XlsxValue = ExcelJS.CellValue | undefined

/** One plain value from whatever exceljs hands over (rich text, formula results, hyperlinks, errors). */
function plain(v: XlsxValue): Cell {
  if (v === null || v === undefined) return null
  if (typeof v === 'string' || typeof v === 'number' || v instanceof Date) return v
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('')
    if ('result' in v) return plain(v.result as XlsxValue)
    if ('text' in v) return plain(v.text as XlsxValue)
    if ('error' in v) return null
  }
  return String(v)
}

// exceljs decodes each decompressed chunk of the sheet XML on its own, so a Chinese character split across two
// chunks turns into garbage (U+FFFD). It passes strings through untouched, so hand it text decoded with a
// streaming decoder instead of raw chunks.
interface ReaderInternals {
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>
  _parseWorksheet(chunks: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown>
  [Symbol.asyncIterator](): AsyncIterator<unknown>
}
const BaseReader = ExcelJS.stream.xlsx.WorkbookReader as unknown as new (input: Readable, options: object) => ReaderInternals

async function* textChunks(chunks: AsyncIterable<Buffer | string>, onBytes?: (n: number) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8')
  for await (const c of chunks) {
    onBytes?.(typeof c === 'string' ? Buffer.byteLength(c) : c.length)
    yield typeof c === 'string' ? c : decoder.decode(c, { stream: true })
  }
  const rest = decoder.decode()
  if (rest) yield rest
}

class Utf8WorkbookReader extends BaseReader {
  onBytes?: (n: number) => void
  override _parseSharedStrings(entry: Readable) {
    const text = entry.pipe(new PassThrough())
    text.setEncoding('utf8')
    return super._parseSharedStrings(text)
  }
  override *_parseWorksheet(chunks: AsyncIterable<Buffer | string>, sheetNo: string) {
    yield* super._parseWorksheet(textChunks(chunks, this.onBytes), sheetNo)
  }
}

async function* readXlsx(source: Readable, onBytes?: (n: number) => void): AsyncGenerator<SheetRow> {
  // styles: 'ignore' is much faster; date cells then arrive as Excel serial numbers, which cells.ts reads.
  const reader = new Utf8WorkbookReader(source, {
    sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'ignore',
  })
  reader.onBytes = onBytes
  for await (const sheet of reader as AsyncIterable<ExcelJS.stream.xlsx.WorksheetReader>) {
    for await (const r of sheet as unknown as AsyncIterable<ExcelJS.Row>) {
      const values = r.values as XlsxValue[]
      // exceljs rows are 1-based and sparse.
      const cells: Cell[] = []
      for (let i = 1; i < values.length; i++) cells.push(plain(values[i]))
      if (!blank(cells)) yield { row: r.number, cells }
    }
    // Only the first worksheet holds the orders; later sheets (notes, pivots) are not rows.
    break
  }
}
