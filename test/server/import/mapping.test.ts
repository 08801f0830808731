import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MAPPING, loadMapping, MappingError, offsetMinutes, resolveColumns } from '../../../server/import/mapping'

describe('import mapping', () => {
  it('finds the default Chinese headers, tolerating BOM and padding', () => {
    const cols = resolveColumns(['\uFEFF工单编号', ' 来电时间 ', '诉求内容', '经度', '纬度', '事项分类', '承办单位', '办结时间'], DEFAULT_MAPPING)
    expect(cols.at.externalId).toBe(0)
    expect(cols.at.reportedAt).toBe(1)
    expect(cols.at.department).toBe(6)
    expect(cols.at.rating).toBe(-1)
    expect(cols.header.reportedAt).toBe('来电时间')
    // An absent optional column reports under its first configured name.
    expect(cols.header.rating).toBe('满意度')
  })

  it('accepts alias headers', () => {
    const cols = resolveColumns(['工单号', '受理时间', '问题描述', '经度', '纬度', '问题分类'], DEFAULT_MAPPING)
    expect(cols.at.externalId).toBe(0)
    expect(cols.header.externalId).toBe('工单号')
  })

  it('refuses a header row that lacks required columns, naming them', () => {
    expect(() => resolveColumns(['工单编号', '来电时间', '诉求内容'], DEFAULT_MAPPING)).toThrow(
      /missing columns 经度 \(lon\), 纬度 \(lat\), 事项分类 \(matter\)/,
    )
  })

  it('merges a user mapping over the default', () => {
    const m = loadMapping({ columns: { externalId: 'ID', lon: ['X', 'lng'] }, crs: 'wgs84', utcOffset: '+09:00' })
    expect(m.columns.externalId).toEqual(['ID'])
    expect(m.columns.lon).toEqual(['X', 'lng'])
    expect(m.columns.reportedAt).toEqual(DEFAULT_MAPPING.columns.reportedAt)
    expect(m.crs).toBe('wgs84')
    expect(offsetMinutes(m.utcOffset)).toBe(540)
    expect(offsetMinutes('-03:30')).toBe(-210)
    const cols = resolveColumns(['ID', '来电时间', '诉求内容', 'lng', '纬度', '事项分类'], m)
    expect(cols.at.lon).toBe(3)
  })

  it('accepts the example mapping shipped for --mapping', () => {
    const example = JSON.parse(readFileSync(join(import.meta.dirname, '../../../server/import/mapping.example.json'), 'utf8'))
    const m = loadMapping(example)
    expect(m.columns.lon).toEqual(['经度(GCJ02)'])
    expect(m.columns.reporterPhone).toEqual(DEFAULT_MAPPING.columns.reporterPhone)
    expect(m.ratings['未回访']).toBeNull()
  })

  it('refuses bad mappings with the path of the fault', () => {
    expect(() => loadMapping({ columns: { colour: '颜色' } })).toThrow(/mapping.columns.colour: unknown field/)
    expect(() => loadMapping({ columns: { lon: [] } })).toThrow(MappingError)
    expect(() => loadMapping({ crs: 'bd09' })).toThrow(/mapping.crs/)
    expect(() => loadMapping({ utcOffset: '8' })).toThrow(/mapping.utcOffset/)
    expect(() => loadMapping({ ratings: { 好: 'great' } })).toThrow(/mapping.ratings.好/)
    expect(() => loadMapping({ extra: 1 })).toThrow(/mapping.extra: unknown setting/)
    expect(() => loadMapping([1])).toThrow(/expected a JSON object/)
  })
})
