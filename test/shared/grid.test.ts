import { describe, expect, it } from 'vitest'
import {
  ancestorCode, buildTree, CODE_LENGTH, DISTRICT_CODE, EXPECTED_COUNTS, type Grid, inScope, isSpecialCode, levelOfCode,
  parentCodeOf, pathOf, specialKindOfCode, stableOrder, subtreeOf,
} from '../../shared/grid'

// Codes written out by hand from DOMAIN.md §4: 410103 + street 3 + community 3 + grid 2 + micro 2; specials 4101039 K NNNN.
const D = '410103'
const S1 = '410103001' // 德化街
const S2 = '410103100' // 马寨镇 (a town)
const C11 = '410103001002'
const C21 = '410103100001'
const G111 = '41010300100201'
const G211 = '41010310000101'
const M1111 = '4101030010020101'
const M1112 = '4101030010020102'
const M2111 = '4101031000010101'
const X1 = '410103910001' // enterprise
const X2 = '410103920007' // school

const TREE: Grid[] = [
  { code: M1112, name: 'm1112', level: 4, parent: G111 },
  { code: X2, name: 'school', level: 5, parent: G211, kind: 'school' },
  { code: S2, name: '马寨镇', level: 1, parent: D },
  { code: M2111, name: 'm2111', level: 4, parent: G211 },
  { code: C11, name: 'c11', level: 2, parent: S1 },
  { code: D, name: '二七区', level: 0, parent: null },
  { code: G211, name: 'g211', level: 3, parent: C21 },
  { code: X1, name: 'enterprise', level: 5, parent: G111, kind: 'enterprise' },
  { code: M1111, name: 'm1111', level: 4, parent: G111 },
  { code: S1, name: '德化街', level: 1, parent: D },
  { code: G111, name: 'g111', level: 3, parent: C11 },
  { code: C21, name: 'c21', level: 2, parent: S2 },
]

describe('codes', () => {
  it('the district and the code lengths per level', () => {
    expect(DISTRICT_CODE).toBe('410103')
    expect(CODE_LENGTH).toEqual({ 0: 6, 1: 9, 2: 12, 3: 14, 4: 16, 5: 12 })
    expect(EXPECTED_COUNTS).toEqual({ 1: 17, 2: 175, 3: 1439, 4: 6281, 5: 577 })
  })

  it.each([
    [D, 0], [S1, 1], [S2, 1], ['410103400', 1], [C11, 2], [G111, 3], [M1111, 4], [X1, 5], [X2, 5], ['410103940123', 5],
  ])('levelOfCode(%s) = %d', (code, level) => {
    expect(levelOfCode(code)).toBe(level)
  })

  it.each([
    ['410104001', 'another district'],
    ['41010300', 'a length no level has'],
    ['4101030010', 'a length no level has'],
    ['410103001002030', 'a length no level has'],
    ['41010300100203040', 'too long'],
    ['41010300a', 'not digits'],
    ['', 'empty'],
    ['410103950001', 'special with an unknown kind digit'],
    ['410103900001', 'special with kind digit 0'],
    ['410103901', 'street part 9xx is the special range'],
    ['41010391000101', 'a grid under a 9xx "street"'],
    ['4101039100010101', 'a micro grid under a 9xx "street"'],
  ])('levelOfCode(%s) is null (%s)', (code) => {
    expect(levelOfCode(code)).toBeNull()
  })

  it('special codes and their kinds', () => {
    expect(isSpecialCode(X1)).toBe(true)
    expect(isSpecialCode(C11)).toBe(false)
    expect(specialKindOfCode(X1)).toBe('enterprise')
    expect(specialKindOfCode(X2)).toBe('school')
    expect(specialKindOfCode('410103930001')).toBe('business')
    expect(specialKindOfCode('410103940001')).toBe('market')
    expect(specialKindOfCode('410103950001')).toBeNull()
    expect(specialKindOfCode(C11)).toBeNull()
  })

  it('ancestors and parents follow the prefix', () => {
    expect(ancestorCode(M1111, 0)).toBe(D)
    expect(ancestorCode(M1111, 1)).toBe(S1)
    expect(ancestorCode(M1111, 2)).toBe(C11)
    expect(ancestorCode(M1111, 3)).toBe(G111)
    expect(ancestorCode(M1111, 4)).toBe(M1111)
    expect(parentCodeOf(M1111)).toBe(G111)
    expect(parentCodeOf(G111)).toBe(C11)
    expect(parentCodeOf(C11)).toBe(S1)
    expect(parentCodeOf(S1)).toBe(D)
    expect(parentCodeOf(D)).toBeNull()
    expect(parentCodeOf(X1)).toBeNull() // a special grid's parent is where it lies, not in its code
    expect(parentCodeOf('nonsense')).toBeNull()
  })

  it('inScope by prefix', () => {
    expect(inScope(M1111, D)).toBe(true)
    expect(inScope(M1111, S1)).toBe(true)
    expect(inScope(M1111, M1111)).toBe(true)
    expect(inScope(M2111, S1)).toBe(false)
    expect(inScope(S1, C11)).toBe(false)
  })
})

describe('stable order', () => {
  it('is level ascending, then code; the input is left alone', () => {
    const input = [...TREE]
    const order = stableOrder(input).map((g) => g.code)
    expect(order).toEqual([D, S1, S2, C11, C21, G111, G211, M1111, M1112, M2111, X1, X2])
    expect(input).toEqual(TREE)
  })

  it('does not depend on the input order', () => {
    const a = stableOrder(TREE).map((g) => g.code)
    const b = stableOrder([...TREE].reverse()).map((g) => g.code)
    expect(a).toEqual(b)
  })
})

describe('tree', () => {
  const tree = buildTree(TREE)
  const i = (code: string) => tree.indexOf.get(code)!
  const codes = (ix: number[]) => ix.map((x) => tree.grids[x].code)

  it('indexes grids in the stable order', () => {
    expect(tree.grids.map((g) => g.code)).toEqual(stableOrder(TREE).map((g) => g.code))
    tree.grids.forEach((g, k) => expect(i(g.code)).toBe(k))
  })

  it('links parents and children', () => {
    expect(tree.parentIndex[i(D)]).toBe(-1)
    expect(tree.parentIndex[i(S1)]).toBe(i(D))
    expect(tree.parentIndex[i(X1)]).toBe(i(G111))
    expect(codes(tree.children[i(D)]).sort()).toEqual([S1, S2])
    expect(codes(tree.children[i(G111)]).sort()).toEqual([M1111, M1112, X1])
    expect(tree.children[i(M1111)]).toEqual([])
  })

  it('pathOf walks from a grid up to the district', () => {
    expect(codes(pathOf(tree, i(M1112)))).toEqual([M1112, G111, C11, S1, D])
    expect(codes(pathOf(tree, i(X2)))).toEqual([X2, G211, C21, S2, D])
    expect(codes(pathOf(tree, i(D)))).toEqual([D])
  })

  it('subtreeOf holds the root and everything under it, specials included', () => {
    expect(codes(subtreeOf(tree, i(S1))).sort()).toEqual([S1, C11, G111, M1111, M1112, X1].sort())
    expect(codes(subtreeOf(tree, i(S2))).sort()).toEqual([S2, C21, G211, M2111, X2].sort())
    expect(subtreeOf(tree, i(D)).length).toBe(TREE.length)
    expect(codes(subtreeOf(tree, i(M1111)))).toEqual([M1111])
  })

  it('refuses a missing parent or a duplicate code', () => {
    expect(() => buildTree([...TREE, { code: '4101030010029901', name: 'orphan', level: 4, parent: '41010300100299' }])).toThrow(
      /parent 41010300100299 does not exist/,
    )
    expect(() => buildTree([...TREE, { ...TREE[0] }])).toThrow(/appears more than once/)
  })
})
