// Rows of an export, streamed: neither reader holds the file in memory (XLSX: see xlsx.ts), so a 100,000-row export costs the same
// memory as a small one. CSV is decoded as UTF-8 (with or without BOM), UTF-16 (BOM) or, failing UTF-8, as
// GB18030: Excel on a Chinese Windows saves "CSV" in the local code page.
import { createReadStream, statSync } from 'node:fs'
import { Readable } from 'node:stream'
import Papa from 'papaparse'
import type { Cell } from './cells'
import { readXlsx, type XlsxOptions } from './xlsx'

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

export type ReadOptions = XlsxOptions

/**
 * The rows of a file (a path, its bytes, or for CSV also a stream). `onBytes` hears how much of the data has
 * been parsed: bytes of the file for CSV, bytes of the (inflated) worksheet for XLSX, whose total `onTotal`
 * hears first; a progress bar needs both.
 */
export function readRows(source: string | Buffer | Readable, kind: FileKind, opts: ReadOptions = {}): AsyncGenerator<SheetRow> {
  if (kind === 'xlsx') {
    if (source instanceof Readable) throw new TypeError('an XLSX is read from a file or a buffer (a zip is read from its end)')
    return readXlsx(source, opts)
  }
  const stream = typeof source === 'string' ? createReadStream(source) : Buffer.isBuffer(source) ? Readable.from([source]) : source
  if (typeof source === 'string') opts.onTotal?.(statSync(source).size)
  return readCsv(stream, opts.onBytes)
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
