// The rows of an XLSX's first worksheet, streamed: yauzl reads the zip (its central directory, then one entry
// at a time) and saxes the SpreadsheetML, so a sheet of any length costs the memory of one row plus the
// shared-strings table. A zip can claim to hold far more than it is ("zip bomb"), so every entry read is
// held to limits before a byte is inflated (declared size, compression ratio) and while it inflates (yauzl
// stops an entry the moment it yields more than it declared).
//
// Styles are not read: a date cell arrives as its Excel serial number, which cells.ts understands.
import yauzl, { type Entry, type ZipFile } from 'yauzl'
import { SaxesParser, type SaxesTagPlain } from 'saxes'
import { IngestError } from '../cases/errors'
import type { Cell } from './cells'
import type { SheetRow } from './read'

export interface InflateLimits {
  /** Most bytes all the entries read may inflate to together. */
  maxBytes: number
  /** Highest compression ratio allowed of an entry that inflates to more than `ratioFloor` bytes. */
  maxRatio: number
  ratioFloor: number
  /** Most entries in the archive (a workbook has a few dozen). */
  maxEntries: number
}

// A 100,000-order export inflates to ~150 MB at ~10:1; deflate cannot do better than ~1,030:1.
export const DEFAULT_INFLATE_LIMITS: InflateLimits = { maxBytes: 512 << 20, maxRatio: 100, ratioFloor: 1 << 20, maxEntries: 10_000 }

export interface XlsxOptions {
  /** Bytes of the worksheet XML parsed so far (for a progress bar)... */
  onBytes?: (n: number) => void
  /** ...out of this many, known before the first row. */
  onTotal?: (n: number) => void
  limits?: InflateLimits
}

const MiB = (n: number) => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 2 : 0)} MiB`
const refuse = (message: string) => new IngestError(413, 'file', message)
/** Tag names without a namespace prefix (some writers spell them x:row). */
const local = (name: string) => name.slice(name.indexOf(':') + 1)

export async function* readXlsx(source: string | Buffer, opts: XlsxOptions = {}): AsyncGenerator<SheetRow> {
  const limits = opts.limits ?? DEFAULT_INFLATE_LIMITS
  const zip = typeof source === 'string'
    ? await yauzl.openPromise(source, { autoClose: false })
    : await yauzl.fromBufferPromise(source, {})
  try {
    if (zip.entryCount > limits.maxEntries) throw refuse(`the XLSX holds ${zip.entryCount} files; a workbook has a few dozen (at most ${limits.maxEntries})`)
    const entries = new Map<string, Entry>()
    for await (const e of zip.eachEntry()) entries.set(e.fileName.replace(/^\//, ''), e)
    const { sheet, strings } = await locateParts(zip, entries, limits)
    if (!sheet) throw new IngestError(400, 'file', 'the XLSX has no worksheet')
    // Check everything still to be read before inflating any of it.
    const reading = [sheet, ...(strings ? [strings] : [])]
    checkDeclared(reading, limits, totalRead(entries, limits))
    // The shared strings are read alongside the sheet, as far as its rows need them: a writer lists them in
    // the order the sheet first uses them, so the first rows go out at once instead of after the whole table
    // (a second or more of a 100,000-row export, while the server had nothing to commit).
    const shared = new SharedStrings(strings ? readSharedStrings(zip, strings) : null)
    try {
      opts.onTotal?.(sheet.uncompressedSize)
      yield* readSheet(zip, sheet, shared, opts.onBytes)
      // Strings no row used are read all the same: a damaged table is refused, as when it was read first.
      await shared.upTo(Infinity)
    } finally {
      await shared.close()
    }
  } finally {
    zip.close()
  }
}

/** Bytes the small workbook parts (workbook.xml and its relationships) took, already read. */
function totalRead(entries: Map<string, Entry>, limits: InflateLimits): number {
  let n = 0
  for (const name of [WORKBOOK, WORKBOOK_RELS]) n += entries.get(name)?.uncompressedSize ?? 0
  return Math.min(n, limits.maxBytes)
}

function checkDeclared(reading: Entry[], limits: InflateLimits, already: number) {
  let total = already
  for (const e of reading) {
    total += e.uncompressedSize
    const ratio = e.uncompressedSize / Math.max(1, e.compressedSize)
    if (e.uncompressedSize > limits.ratioFloor && ratio > limits.maxRatio)
      throw refuse(
        `${e.fileName} is compressed ${Math.round(ratio)}:1 (${MiB(e.compressedSize)} inflating to ${MiB(e.uncompressedSize)}); ` +
          `a spreadsheet stays under ${limits.maxRatio}:1, so this looks like a zip bomb`,
      )
  }
  if (total > limits.maxBytes)
    throw refuse(`the XLSX inflates to ${MiB(total)}, more than the ${MiB(limits.maxBytes)} an import may (split the export into smaller files)`)
}

/** The inflated text of an entry, chunk by chunk, decoded as UTF-8 across chunk boundaries. */
async function* text(zip: ZipFile, e: Entry, onBytes?: (n: number) => void): AsyncGenerator<string> {
  if (e.isEncrypted()) throw new IngestError(400, 'file', 'the XLSX is encrypted (password-protected): save it without a password')
  if (!e.canDecodeFileData()) throw new IngestError(400, 'file', `${e.fileName} uses a compression method an XLSX does not (${e.compressionMethod})`)
  const stream = await zip.openReadStreamPromise(e)
  const decoder = new TextDecoder('utf-8')
  let seen = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      seen += chunk.length
      // yauzl already stops an entry that inflates past its declared size; this says so in our words.
      if (seen > e.uncompressedSize) break
      onBytes?.(chunk.length)
      yield decoder.decode(chunk, { stream: true })
    }
  } catch (err) {
    if (/too many bytes|too few bytes/.test((err as Error).message)) seen = Infinity
    else throw err
  } finally {
    stream.destroy()
  }
  if (seen > e.uncompressedSize)
    throw refuse(`${e.fileName} inflates to more than the ${MiB(e.uncompressedSize)} it declares: the file is damaged or built to exhaust the server (zip bomb)`)
  const rest = decoder.decode()
  if (rest) yield rest
}

/** Run a SAX parse over an entry; `handlers` push what they find, which is handed out after each chunk. */
async function* parseChunks<T>(chunks: AsyncIterable<string>, handlers: (p: SaxesParser, out: T[]) => void): AsyncGenerator<T[]> {
  const parser = new SaxesParser()
  const out: T[] = []
  handlers(parser, out)
  for await (const chunk of chunks) {
    parser.write(chunk)
    if (out.length) yield out.splice(0)
  }
  parser.close()
  if (out.length) yield out
}

/** The same, one item at a time. */
async function* parse<T>(chunks: AsyncIterable<string>, handlers: (p: SaxesParser, out: T[]) => void): AsyncGenerator<T> {
  for await (const items of parseChunks(chunks, handlers)) yield* items
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = []
  for await (const x of it) all.push(x)
  return all
}

const WORKBOOK = 'xl/workbook.xml'
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels'

/** The first worksheet (by the workbook's order of sheets) and the shared-strings part, if any. */
async function locateParts(zip: ZipFile, entries: Map<string, Entry>, limits: InflateLimits) {
  const small = [entries.get(WORKBOOK), entries.get(WORKBOOK_RELS)].filter((e): e is Entry => !!e)
  checkDeclared(small, { ...limits, maxBytes: Math.min(limits.maxBytes, 16 << 20) }, 0)
  const firstSheetId = entries.has(WORKBOOK)
    ? (await collect(parse<string>(text(zip, entries.get(WORKBOOK)!), (p, out) =>
        p.on('opentag', (t: SaxesTagPlain) => {
          if (local(t.name) === 'sheet') out.push(t.attributes['r:id'] ?? Object.entries(t.attributes).find(([k]) => local(k) === 'id')?.[1] ?? '')
        }))))[0]
    : undefined
  const rels = entries.has(WORKBOOK_RELS)
    ? await collect(parse<{ id: string; type: string; target: string }>(text(zip, entries.get(WORKBOOK_RELS)!), (p, out) =>
        p.on('opentag', (t: SaxesTagPlain) => {
          if (local(t.name) === 'Relationship') out.push({ id: t.attributes.Id ?? '', type: t.attributes.Type ?? '', target: t.attributes.Target ?? '' })
        })))
    : []
  // Targets are relative to xl/ unless absolute.
  const part = (target: string | undefined) => (target === undefined ? undefined : entries.get(target.startsWith('/') ? target.slice(1) : `xl/${target}`))
  const sheets = [...entries.keys()].filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))
  sheets.sort((a, b) => Number(/\d+/.exec(a.slice(14))![0]) - Number(/\d+/.exec(b.slice(14))![0]))
  const sheet = part(rels.find((r) => r.id === firstSheetId)?.target) ?? (sheets[0] ? entries.get(sheets[0]) : undefined)
  const strings = part(rels.find((r) => r.type.endsWith('/sharedStrings'))?.target) ?? entries.get('xl/sharedStrings.xml')
  return { sheet, strings }
}

/** The shared-strings table, a chunk at a time: `<si>` holds one `<t>` or rich-text runs `<r><t>`; phonetic hints `<rPh>` are not text. */
function readSharedStrings(zip: ZipFile, e: Entry): AsyncGenerator<string[]> {
  return parseChunks<string>(text(zip, e), (p, out) => {
    let inT = false
    let phonetic = 0
    let buf = ''
    p.on('opentag', (t: SaxesTagPlain) => {
      const n = local(t.name)
      if (n === 'si') buf = ''
      else if (n === 't') inT = phonetic === 0
      else if (n === 'rPh') phonetic++
    })
    p.on('closetag', (t: SaxesTagPlain) => {
      const n = local(t.name)
      if (n === 't') inT = false
      else if (n === 'rPh') phonetic--
      else if (n === 'si') out.push(buf)
    })
    const onText = (s: string) => {
      if (inT) buf += s
    }
    p.on('text', onText)
    p.on('cdata', onText)
  })
}

/** The shared strings read so far, read further on demand. */
class SharedStrings {
  readonly list: string[] = []
  constructor(private source: AsyncGenerator<string[]> | null) {}

  /** Read until string `i` is known (or the table ends: a missing string is a blank cell). */
  async upTo(i: number): Promise<void> {
    while (this.source && this.list.length <= i) {
      const next = await this.source.next()
      if (next.done) this.source = null
      else for (const s of next.value) this.list.push(s)
    }
  }

  /** Stop reading (the sheet ended, or failed). */
  async close(): Promise<void> {
    await this.source?.return(undefined)
    this.source = null
  }
}

/** Column number (0-based) of a cell reference such as "AB12". */
function columnOf(ref: string): number {
  let n = 0
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i)
    if (c < 65 || c > 90) break
    n = n * 26 + (c - 64)
  }
  return n - 1
}

const MAX_COLUMNS = 16_384
const blank = (cells: readonly Cell[]) => cells.every((c) => c === null || c === '')

/** A row as parsed, its shared-string cells still indices into the table. */
interface ParsedSheetRow extends SheetRow {
  /** Cells that are shared strings, as pairs of column and index into the table (the cell is null until resolved). */
  shared: number[]
  /** The highest shared-string index the row uses (-1: none). */
  last: number
}

async function* readSheet(zip: ZipFile, e: Entry, shared: SharedStrings, onBytes?: (n: number) => void): AsyncGenerator<SheetRow> {
  const parsed = parseChunks<ParsedSheetRow>(text(zip, e, onBytes), (p, out) => {
    let rowNo = 0
    let cells: Cell[] = []
    let pending: number[] = []
    let last = -1
    const forget = (c: number) => {
      for (let k = 0; k < pending.length; k += 2) if (pending[k] === c) pending.splice(k, 2)
    }
    let col = -1
    let type = ''
    let value = ''
    let collecting = false
    let inInline = false
    let phonetic = 0
    p.on('opentag', (t: SaxesTagPlain) => {
      switch (local(t.name)) {
        case 'row':
          rowNo = t.attributes.r ? Number(t.attributes.r) : rowNo + 1
          cells = []
          pending = []
          last = -1
          col = -1
          break
        case 'c':
          col = t.attributes.r ? columnOf(t.attributes.r) : col + 1
          // Excel's last column is XFD; a reference past it would only make a huge row of nothing.
          if (col >= MAX_COLUMNS) throw new IngestError(400, 'file', `row ${rowNo} has a cell beyond column XFD (${t.attributes.r ?? col + 1})`)
          type = t.attributes.t ?? 'n'
          value = ''
          break
        case 'v':
          collecting = true
          break
        case 'is':
          inInline = true
          break
        case 't':
          collecting = inInline && phonetic === 0
          break
        case 'rPh':
          phonetic++
          break
      }
    })
    p.on('closetag', (t: SaxesTagPlain) => {
      switch (local(t.name)) {
        case 'v':
        case 't':
          collecting = false
          break
        case 'is':
          inInline = false
          break
        case 'rPh':
          phonetic--
          break
        case 'c':
          while (cells.length < col) cells.push(null)
          // A cell given twice keeps the later value: forget a shared string waiting for this column.
          if (pending.length) forget(col)
          if (type === 's') {
            // Resolved once the table is read this far (readSheet); an index it lacks is a blank cell.
            const i = Number(value)
            cells[col] = null
            pending.push(col, i)
            if (i > last && Number.isInteger(i)) last = i
          } else cells[col] = cellValue(type, value)
          break
        case 'row':
          out.push({ row: rowNo, cells, shared: pending, last })
          break
      }
    })
    const onText = (s: string) => {
      if (collecting) value += s
    }
    p.on('text', onText)
    p.on('cdata', onText)
  })
  for await (const rows of parsed) {
    let last = -1
    for (const r of rows) if (r.last > last) last = r.last
    if (last >= shared.list.length) await shared.upTo(last)
    for (const { row, cells, shared: pending } of rows) {
      for (let k = 0; k < pending.length; k += 2) cells[pending[k]] = shared.list[pending[k + 1]] ?? null
      if (!blank(cells)) yield { row, cells }
    }
  }
}

function cellValue(type: string, v: string): Cell {
  switch (type) {
    case 'str':
    case 'inlineStr':
    case 'd':
      return v
    case 'b':
      return v === '1' ? 'TRUE' : 'FALSE'
    case 'e':
      return null
    default: {
      if (v === '') return null
      const n = Number(v)
      return Number.isFinite(n) ? n : v
    }
  }
}
