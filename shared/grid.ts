// Grid levels, codes and the tree. Pure: no I/O.
//
// Codes follow GB/T 2260 plus the grid practice in DOMAIN.md §4:
//   district  410103                      (6 digits)
//   level 1   410103 SSS                  (9)  street 001–099, town 100–199, development zone 400–499
//   level 2   410103 SSS CCC              (12) community
//   level 3   410103 SSS CCC GG           (14) third-level grid
//   level 4   410103 SSS CCC GG MM        (16) micro grid
//   special   410103 9 K NNNN             (12) own range: street part 9xx is never a street; K = kind digit

export const DISTRICT_CODE = '410103'
export const DISTRICT_NAME = '二七区'

/** 0 = the district itself, 1–4 = ordinary levels, 5 = special grids (an overlay). */
export type GridLevel = 0 | 1 | 2 | 3 | 4 | 5

export const EXPECTED_COUNTS: Record<1 | 2 | 3 | 4 | 5, number> = { 1: 17, 2: 175, 3: 1439, 4: 6281, 5: 577 }

/** A district's own rules for its grid codes and extent, which shared/gridcheck checks boundaries against. */
export interface DistrictRules {
  /** The district's code (GB/T 2260, 6 digits): every grid code extends it. */
  code: string
  /** [minLon, minLat, maxLon, maxLat] every position must lie in; null for no bound. */
  extent: [number, number, number, number] | null
  /** The street parts (3 digits after the district code) first-level grids may use, as inclusive ranges. */
  streetRanges: readonly (readonly [number, number])[]
}

/** Erqi: its extent (DOMAIN.md §1) with a margin of ~2 km; streets 001–099, towns 100–199, development zone 400–499. */
export const DISTRICT_RULES: DistrictRules = {
  code: DISTRICT_CODE,
  extent: [113.48, 34.58, 113.7, 34.79],
  streetRanges: [[1, 199], [400, 499]],
}

export const SPECIAL_KINDS = ['enterprise', 'school', 'business', 'market'] as const
export type SpecialKind = (typeof SPECIAL_KINDS)[number]
export const SPECIAL_KIND_DIGIT: Record<SpecialKind, string> = { enterprise: '1', school: '2', business: '3', market: '4' }

/** Length of a code at each level. */
export const CODE_LENGTH: Record<GridLevel, number> = { 0: 6, 1: 9, 2: 12, 3: 14, 4: 16, 5: 12 }

export interface Grid {
  code: string
  name: string
  level: GridLevel
  /** Parent code; null only for the district. A special grid's parent is the third-level grid it lies in. */
  parent: string | null
  /** Only for special grids. */
  kind?: SpecialKind
}

/** A special grid's code: the district's code, 9, a kind digit and a 4-digit sequence. */
export function isSpecialCode(code: string, district: string = DISTRICT_CODE): boolean {
  return code.length === CODE_LENGTH[5] && code.startsWith(district + '9')
}
/** Position of a special code's kind digit (after the district code and the 9). */
const KIND_DIGIT_AT = CODE_LENGTH[0] + 1

/**
 * The level a code denotes, from its length and range; null if it is not a well-formed code (of this
 * district, or of `district` for another district's own boundaries).
 */
export function levelOfCode(code: string, district: string = DISTRICT_CODE): GridLevel | null {
  if (!/^\d+$/.test(code) || !code.startsWith(district)) return null
  if (isSpecialCode(code, district)) return SPECIAL_KIND_BY_DIGIT[code[KIND_DIGIT_AT]] ? 5 : null
  // Street part 9xx is the special range, never a street: refuse it, or a scope like 410103912 would
  // prefix-match special grids.
  if (code.length > district.length && code[district.length] === '9') return null
  for (const level of [0, 1, 2, 3, 4] as const) if (code.length === CODE_LENGTH[level]) return level
  return null
}

const SPECIAL_KIND_BY_DIGIT: Record<string, SpecialKind> = Object.fromEntries(
  Object.entries(SPECIAL_KIND_DIGIT).map(([k, d]) => [d, k as SpecialKind]),
)
export function specialKindOfCode(code: string, district: string = DISTRICT_CODE): SpecialKind | null {
  return isSpecialCode(code, district) ? (SPECIAL_KIND_BY_DIGIT[code[KIND_DIGIT_AT]] ?? null) : null
}

/** The code of the ancestor at `level` (ordinary codes are prefix-consistent). */
export function ancestorCode(code: string, level: 0 | 1 | 2 | 3 | 4): string {
  return code.slice(0, CODE_LENGTH[level])
}

/** The ordinary parent code implied by an ordinary code's prefix. */
export function parentCodeOf(code: string, district: string = DISTRICT_CODE): string | null {
  const level = levelOfCode(code, district)
  if (level === null || level === 0 || level === 5) return null
  return ancestorCode(code, (level - 1) as 0 | 1 | 2 | 3)
}

/** Is `code` inside the subtree rooted at `scope` (ordinary grids, by prefix)? */
export function inScope(code: string, scope: string): boolean {
  return code.startsWith(scope)
}

/**
 * The district's grids in one stable order: level ascending, then code. Every typed array on the
 * wire and in the metrics engine is indexed by this order, so client and server agree without names.
 */
export function stableOrder<T extends Pick<Grid, 'code' | 'level'>>(grids: readonly T[]): T[] {
  return [...grids].sort((a, b) => a.level - b.level || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
}

export interface GridTree {
  grids: Grid[]
  indexOf: Map<string, number>
  /** parentIndex[i] is the index of grid i's parent, -1 for the district. */
  parentIndex: Int32Array
  children: number[][]
}

/** Build the tree over the stable order. Throws if a parent is missing. */
export function buildTree(input: readonly Grid[]): GridTree {
  const grids = stableOrder(input)
  const indexOf = new Map(grids.map((g, i) => [g.code, i]))
  if (indexOf.size !== grids.length) {
    const dup = grids.find((g, i) => indexOf.get(g.code) !== i)!
    throw new Error(`grid ${dup.code} appears more than once`)
  }
  const parentIndex = new Int32Array(grids.length).fill(-1)
  const children: number[][] = grids.map(() => [])
  grids.forEach((g, i) => {
    if (g.parent === null) return
    const p = indexOf.get(g.parent)
    if (p === undefined) throw new Error(`grid ${g.code}: parent ${g.parent} does not exist`)
    parentIndex[i] = p
    children[p].push(i)
  })
  return { grids, indexOf, parentIndex, children }
}

/** Indices of a grid and all its ancestors, the grid first. */
export function pathOf(tree: GridTree, index: number): number[] {
  const path: number[] = []
  for (let i = index; i >= 0; i = tree.parentIndex[i]) path.push(i)
  return path
}

/** Indices of every grid in the subtree rooted at `index`, the root included. */
export function subtreeOf(tree: GridTree, index: number): number[] {
  const out: number[] = []
  const stack = [index]
  while (stack.length) {
    const i = stack.pop()!
    out.push(i)
    for (const c of tree.children[i]) stack.push(c)
  }
  return out
}
