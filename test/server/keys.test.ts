import { afterEach, describe, expect, test } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDb, type Db } from '../../server/db'
import { Keys, VERIFY_CACHE_MS, hashSecret } from '../../server/keys'
import { seedSmall } from './helpers'

describe('Keys', () => {
  let db: Db
  afterEach(() => db?.$client.close())

  test('create, verify, list and revoke; only the hash is stored', () => {
    db = openDb(':memory:')
    seedSmall(db)
    const keys = new Keys(db)
    const { id, secret } = keys.create({ role: 'viewer', name: 'wall', scope: '410103001' })
    expect(secret).toMatch(/^os_v_[\w-]{32}$/)
    expect(keys.verify(secret)).toEqual({ id, name: 'wall', role: 'viewer', source: null, scope: '410103001', viewScope: null })
    expect(keys.list()[0]).not.toHaveProperty('hash')
    expect(db.$client.prepare('SELECT hash FROM api_keys').pluck().get()).toBe(hashSecret(secret))
    expect(keys.revoke(id)).toBe(true)
    expect(keys.verify(secret)).toBeNull()
    expect(keys.revoke(id)).toBe(false)
  })

  test('refuses a write key without a source, an unknown role, source or scope', () => {
    db = openDb(':memory:')
    seedSmall(db)
    const keys = new Keys(db)
    expect(() => keys.create({ role: 'write', name: 'x' })).toThrow(/needs a --source/)
    expect(() => keys.create({ role: 'admin', name: 'x' })).toThrow(/role must be/)
    expect(() => keys.create({ role: 'write', source: 'fax', name: 'x' })).toThrow(/source must be/)
    expect(() => keys.create({ role: 'viewer', name: 'x', scope: '410103777' })).toThrow(/not a grid in the database/)
    expect(() => keys.create({ role: 'viewer', name: 'x', scope: 'abc' })).toThrow(/not a grid code/)
    expect(() => keys.create({ role: 'viewer', name: 'x', viewScope: '410103001' })).toThrow(/for write keys/)
    expect(() => keys.create({ role: 'write', source: 'app', name: 'x', viewScope: '410103777' })).toThrow(/not a grid in the database/)
  })

  test('a revocation from another process takes effect within the cache time', () => {
    db = openDb(':memory:')
    const keys = new Keys(db)
    const { id, secret } = keys.create({ role: 'operator', name: 'seat' })
    const t = 1_000_000
    expect(keys.verify(secret, t)).not.toBeNull()
    db.$client.prepare('UPDATE api_keys SET revoked_at = 1 WHERE id = ?').run(id) // as the CLI would
    expect(keys.verify(secret, t + VERIFY_CACHE_MS - 1)).not.toBeNull()
    expect(keys.verify(secret, t + VERIFY_CACHE_MS)).toBeNull()
  })
})

describe('npm run keys', () => {
  test('creates (printing the secret once), lists and revokes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onescreen-keys-'))
    const env = { ...process.env, ONESCREEN_DB: join(dir, 'k.db') }
    const run = (...args: string[]) =>
      execFileSync(process.execPath, ['--import', 'tsx', 'server/keys-cli.ts', ...args], { env, encoding: 'utf8' })
    try {
      const out = run('create', '--role', 'write', '--source', 'hotline', '--name', '12345 hotline')
      const secret = /secret \(shown once; store it now\): (\S+)/.exec(out)?.[1]
      expect(secret).toMatch(/^os_w_/)
      const listed = run('list')
      expect(listed).toContain('12345 hotline')
      expect(listed).not.toContain(secret!)
      expect(run('revoke', '1')).toContain('revoked key 1')
      const db = openDb(join(dir, 'k.db'))
      expect(new Keys(db).verify(secret!)).toBeNull()
      db.$client.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
