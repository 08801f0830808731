import { describe, expect, it } from 'vitest'
import { CatalogueLookup } from '../../../server/import/catalogue'
import { DEFAULT_MAPPING, resolveColumns } from '../../../server/import/mapping'
import { rowToReport, type RowContext } from '../../../server/import/row'
import type { Cell } from '../../../server/import/cells'

const HEAD = ['工单编号', '来电时间', '诉求内容', '地址', '经度', '纬度', '事项分类', '承办单位', '派单时间', '办结时间', '满意度', '回访时间', '来电人', '联系电话']
const lookup = new CatalogueLookup(
  [
    { code: '20100101', name: '暴露垃圾', bigClassName: '市容环境', smallClassName: '垃圾', department: 'CGJ' },
    { code: '20200101', name: '其他', bigClassName: '宣传广告', smallClassName: '广告', department: 'CGJ' },
    { code: '20300101', name: '其他', bigClassName: '施工管理', smallClassName: '工地', department: 'ZJJ' },
  ],
  [{ code: 'CGJ', name: '二七区城市管理局' }, { code: 'ZJJ', name: '二七区住房和城乡建设局' }],
)
const NOW = Date.parse('2026-01-10T00:00:00+08:00')
const ctx: RowContext = { mapping: DEFAULT_MAPPING, columns: resolveColumns(HEAD, DEFAULT_MAPPING), lookup, now: NOW }
const t = (s: string) => Date.parse(s.replace(' ', 'T') + '+08:00')

function row(over: Partial<Record<string, Cell>> = {}): Cell[] {
  const base: Record<string, Cell> = {
    工单编号: 'ZZ2025120100001', 来电时间: '2025-12-01 09:00:00', 诉求内容: '小区门口垃圾堆积', 地址: '郑州市二七区大学路1号',
    经度: '113.62', 纬度: '34.74', 事项分类: '暴露垃圾', 承办单位: '二七区城市管理局', 派单时间: '2025-12-01 09:20:00',
    办结时间: '2025-12-02 10:00:00', 满意度: '基本满意', 回访时间: '2025-12-03 15:00:00', 来电人: '张先生', 联系电话: '13812345678',
    ...over,
  }
  return HEAD.map((h) => base[h] ?? null)
}

describe('row → report', () => {
  it('turns a closed, rated order into its whole history', () => {
    const r = rowToReport(row(), 2, ctx)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.report).toMatchObject({
      source: 'hotline', matter: '20100101', lon: 113.62, lat: 34.74, crs: 'gcj02', externalId: 'ZZ2025120100001',
      reportedAt: t('2025-12-01 09:00:00'), address: '郑州市二七区大学路1号', reporterName: '张先生', reporterPhone: '13812345678',
    })
    expect(r.report.then.map((c) => [c.action, c.at, c.data])).toEqual([
      ['verify', t('2025-12-01 09:00:00'), undefined],
      ['register', t('2025-12-01 09:00:00'), undefined],
      ['dispatch', t('2025-12-01 09:20:00'), { department: 'CGJ' }],
      ['handle', t('2025-12-02 10:00:00'), undefined],
      ['check', t('2025-12-02 10:00:00'), undefined],
      ['close', t('2025-12-02 10:00:00'), undefined],
      ['rate', t('2025-12-03 15:00:00'), { rating: 'basic' }],
    ])
    expect(r.columns).toEqual(['来电时间', '来电时间', '承办单位', '办结时间', '办结时间', '办结时间', '满意度'])
  })

  it('stops the history where the export stops', () => {
    const open = rowToReport(row({ 办结时间: null, 满意度: null, 回访时间: null }), 2, ctx)
    expect(open.ok && open.report.then.map((c) => c.action)).toEqual(['verify', 'register', 'dispatch'])
    const undispatched = rowToReport(row({ 承办单位: null, 派单时间: null, 办结时间: null, 满意度: null }), 2, ctx)
    expect(undispatched.ok && undispatched.report.then.map((c) => c.action)).toEqual(['verify', 'register'])
    // Closed without 承办单位: dispatched (the ingest picks the matter's department) at the call time.
    const noDept = rowToReport(row({ 承办单位: null, 派单时间: null, 满意度: '未回访' }), 2, ctx)
    expect(noDept.ok && noDept.report.then.map((c) => [c.action, c.data])).toEqual([
      ['verify', undefined], ['register', undefined], ['dispatch', undefined], ['handle', undefined], ['check', undefined], ['close', undefined],
    ])
  })

  it('resolves matters by code, name or class path and refuses an ambiguous name', () => {
    const byCode = rowToReport(row({ 事项分类: '20100101' }), 2, ctx)
    expect(byCode.ok && byCode.report.matter).toBe('20100101')
    const byPath = rowToReport(row({ 事项分类: '施工管理/其他' }), 2, ctx)
    expect(byPath.ok && byPath.report.matter).toBe('20300101')
    const ambiguous = rowToReport(row({ 事项分类: '其他' }), 7, ctx)
    expect(ambiguous).toEqual({ ok: false, errors: [{ row: 7, column: '事项分类', problem: 'ambiguous matter', reason: expect.stringMatching(/names 2 matters/) }] })
  })

  it('reports every problem of a bad row with its column', () => {
    const r = rowToReport(row({
      工单编号: '', 来电时间: '2025-13-45 25:61', 诉求内容: '', 经度: 'abc', 纬度: null, 事项分类: '外星人入侵',
      承办单位: '火星管理局', 满意度: '还行吧', 联系电话: '138-CALL-ME',
    }), 9, ctx)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors.map((e) => [e.row, e.column])).toEqual([
      [9, '工单编号'], [9, '来电时间'], [9, '诉求内容'], [9, '经度'], [9, '纬度'], [9, '事项分类'], [9, '承办单位'],
      [9, '联系电话'], [9, '满意度'],
    ])
    expect(r.errors.find((e) => e.column === '事项分类')!.reason).toMatch(/unknown matter "外星人入侵"/)
  })

  it('refuses times that run backwards, lie in the future or have no time of day', () => {
    const back = rowToReport(row({ 办结时间: '2025-11-30 10:00:00' }), 3, ctx)
    expect(!back.ok && back.errors).toEqual([{ row: 3, column: '办结时间', problem: 'out of order', reason: 'earlier than 派单时间' }])
    const future = rowToReport(row({ 来电时间: '2026-02-01 10:00:00' }), 3, ctx)
    expect(!future.ok && future.errors[0]).toMatchObject({ column: '来电时间', reason: expect.stringMatching(/future/) })
    const dateOnly = rowToReport(row({ 来电时间: '2025-12-01' }), 3, ctx)
    expect(!dateOnly.ok && dateOnly.errors[0]).toMatchObject({ column: '来电时间', reason: expect.stringMatching(/no time of day/) })
  })

  it('recognises swapped coordinates and a rating without closure', () => {
    const swapped = rowToReport(row({ 经度: '34.74', 纬度: '113.62' }), 4, ctx)
    expect(!swapped.ok && swapped.errors).toEqual([{ row: 4, column: '纬度', problem: 'swapped', reason: expect.stringMatching(/swapped/) }])
    const unclosed = rowToReport(row({ 办结时间: null, 满意度: '满意' }), 4, ctx)
    expect(!unclosed.ok && unclosed.errors).toEqual([{ row: 4, column: '满意度', problem: 'not closed', reason: expect.stringMatching(/needs 办结时间/) }])
  })

  it('counts the 4,000-character limit in characters, not bytes', () => {
    expect(rowToReport(row({ 诉求内容: '垃'.repeat(4000) }), 2, ctx).ok).toBe(true)
    const long = rowToReport(row({ 诉求内容: '垃'.repeat(4001) }), 2, ctx)
    expect(!long.ok && long.errors[0]).toMatchObject({ column: '诉求内容', reason: '4001 characters; at most 4000' })
  })
})
