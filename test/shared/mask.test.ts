import { describe, expect, it } from 'vitest'
import { maskName, maskPhone, maskText } from '../../shared/mask'

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['欧阳娜娜', '欧***'],
    ['李小明', '李**'],
    ['  王五 ', '王*'],
    ['𠮷野家', '𠮷**'], // a character outside the BMP stays whole
    ['John Smith', 'J*** *****'],
    ['张', '*'],
    ['', ''],
  ])('%s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked)
  })

  it('passes null through', () => {
    expect(maskName(null)).toBeNull()
    expect(maskName(undefined)).toBeNull()
  })
})

describe('maskPhone', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['138 1234 5678', '138 **** 5678'],
    ['138-1234-5678', '138-****-5678'],
    ['+86 13812345678', '+86 138****5678'],
    ['8613812345678', '86138****5678'],
    ['１３８１２３４５６７８', '１３８****５６７８'],
    ['0371-67181234', '0371-****1234'],
    ['037167181234', '0371****1234'],
    ['010-12345678', '010-****5678'],
    ['021 6123 4567', '021 **** 4567'],
    ['67181234', '****1234'],
    ['12345', '***45'],
    ['110', '***'],
  ])('%s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked)
  })

  it('never leaves the middle of a mobile visible', () => {
    for (let i = 0; i < 50; i++) {
      const mid = String(1000 + ((i * 7919) % 9000))
      const masked = maskPhone(`139${mid}0000`)
      expect(masked).toBe('139****0000')
      expect(masked).not.toContain(mid)
    }
  })

  it('passes null through', () => {
    expect(maskPhone(null)).toBeNull()
  })
})

describe('maskText', () => {
  it('masks mobiles inside citizen text and keeps the rest as written', () => {
    expect(maskText('楼下有人占道经营，联系电话13812345678，请尽快处理')).toBe('楼下有人占道经营，联系电话138****5678，请尽快处理')
    expect(maskText('电话：138-1234-5678 或 139 8765 4321')).toBe('电话：138-****-5678 或 139 **** 4321')
    expect(maskText('call +8613812345678 now')).toBe('call +86138****5678 now')
    expect(maskText('全角１３８１２３４５６７８')).toBe('全角１３８****５６７８')
    expect(maskText('号码13812345678和15000001111')).toBe('号码138****5678和150****1111')
  })

  it('masks ID-card numbers (18 digits, X check digit, and the old 15-digit form)', () => {
    expect(maskText('身份证410103199003071234')).toBe('身份证410***********1234')
    expect(maskText('身份证41010319900307123X。')).toBe('身份证410***********123X。')
    expect(maskText('身份证41010319900307123x')).toBe('身份证410***********123x')
    expect(maskText('旧证410103900307123')).toBe('旧证410********7123')
  })

  it('masks landlines that carry an area code', () => {
    expect(maskText('请打0371-67181234回访')).toBe('请打0371-****1234回访')
  })

  it('leaves ordinary numbers alone', () => {
    const plain = [
      '二七区建中街3号院2号楼，垃圾桶满溢已3天',
      '2026-03-02 10:00 发现井盖缺失',
      '工单号 20260302123456789012 已转办', // a 20-digit number is not a phone or ID
      '门牌1234号，车牌豫A12345',
      '12345热线转办',
      '11位但不是手机：10012345678',
    ]
    for (const t of plain) expect(maskText(t)).toBe(t)
  })

  it('keeps text plain (no HTML escaping or stripping: rendering is the screen’s job)', () => {
    expect(maskText('<b>13812345678</b>')).toBe('<b>138****5678</b>')
  })

  it('passes null through', () => {
    expect(maskText(null)).toBeNull()
  })
})
