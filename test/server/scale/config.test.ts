// The scale-out settings: unset is one embedded process; a role needs its Redis, its secret and (live) its
// writer; a bad value stops the start naming the variable.
import { expect, test } from 'vitest'
import { loadConfig } from '../../../server/config'

const SECRET = 'a-long-enough-cluster-secret'

test('no role: one embedded process, no Redis', () => {
  expect(loadConfig({}).scale).toMatchObject({ role: 'embedded', redisUrl: null, writerUrl: null })
})

test('a writer and a live process with everything they need', () => {
  const w = loadConfig({ ONESCREEN_ROLE: 'writer', ONESCREEN_REDIS_URL: 'redis://10.0.0.5:6379', ONESCREEN_CLUSTER_SECRET: SECRET })
  expect(w.scale).toMatchObject({ role: 'writer', redisUrl: 'redis://10.0.0.5:6379', secret: SECRET, stream: 'onescreen:log', streamMaxLen: 100_000 })
  const l = loadConfig({
    ONESCREEN_ROLE: 'live', ONESCREEN_REDIS_URL: 'rediss://u:p@redis:6380', ONESCREEN_WRITER_URL: 'http://writer:3000',
    ONESCREEN_CLUSTER_SECRET: SECRET, ONESCREEN_STREAM: 'city:log', ONESCREEN_STREAM_MAXLEN: '500',
  })
  expect(l.scale).toMatchObject({ role: 'live', writerUrl: 'http://writer:3000', stream: 'city:log', streamMaxLen: 500 })
})

test.each([
  [{ ONESCREEN_ROLE: 'reader' }, /ONESCREEN_ROLE="reader" is not valid: expected writer or live/],
  [{ ONESCREEN_ROLE: 'writer' }, /ONESCREEN_ROLE=writer needs ONESCREEN_REDIS_URL/],
  [{ ONESCREEN_ROLE: 'writer', ONESCREEN_REDIS_URL: 'localhost:6379' }, /ONESCREEN_REDIS_URL="localhost:6379" is not valid: expected a URL starting with redis:\/\/ or rediss:\/\//],
  [{ ONESCREEN_ROLE: 'writer', ONESCREEN_REDIS_URL: 'http://x:6379' }, /ONESCREEN_REDIS_URL="http:\/\/x:6379" is not valid/],
  [{ ONESCREEN_ROLE: 'writer', ONESCREEN_REDIS_URL: 'redis://x' }, /needs ONESCREEN_CLUSTER_SECRET/],
  [{ ONESCREEN_ROLE: 'writer', ONESCREEN_REDIS_URL: 'redis://x', ONESCREEN_CLUSTER_SECRET: 'short' }, /ONESCREEN_CLUSTER_SECRET.*at least 16/],
  [{ ONESCREEN_ROLE: 'live', ONESCREEN_REDIS_URL: 'redis://x', ONESCREEN_CLUSTER_SECRET: SECRET }, /ONESCREEN_ROLE=live needs ONESCREEN_WRITER_URL/],
  [{ ONESCREEN_ROLE: 'live', ONESCREEN_REDIS_URL: 'redis://x', ONESCREEN_CLUSTER_SECRET: SECRET, ONESCREEN_WRITER_URL: 'writer:3000' }, /ONESCREEN_WRITER_URL="writer:3000" is not valid/],
  [{ ONESCREEN_REDIS_URL: 'redis://x' }, /ONESCREEN_REDIS_URL="redis:\/\/x" is not valid: is only used with ONESCREEN_ROLE=writer or live/],
  [{ ONESCREEN_ROLE: 'writer', ONESCREEN_REDIS_URL: 'redis://x', ONESCREEN_CLUSTER_SECRET: SECRET, ONESCREEN_STREAM_MAXLEN: '3' }, /ONESCREEN_STREAM_MAXLEN="3"/],
])('%o is refused with a clear message', (env, message) => {
  expect(() => loadConfig(env)).toThrow(message)
})
