// The uploader of bench:import (its own process): POST /api/import with the export, streamed from disk as a
// browser or curl would send it. Answers the time to the summary and the summary itself.
import { openAsBlob } from 'node:fs'
import { basename } from 'node:path'

const file = process.env.FILE!
const form = new FormData()
form.append('file', await openAsBlob(file), basename(file))
const t0 = performance.now()
const res = await fetch(`${process.env.BASE}/api/import`, { method: 'POST', headers: { 'x-api-key': process.env.KEY! }, body: form })
const body = await res.text()
const ms = performance.now() - t0
process.send!({ type: 'uploaded', status: res.status, ms, body: res.ok ? JSON.parse(body) : body.slice(0, 500) })
process.disconnect()
