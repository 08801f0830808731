// Inside a replay worker thread: one ReplayHost on its own database connection, spoken to over the port.
import { parentPort, workerData } from 'node:worker_threads'
import { ReplayHost, type HostConfig, type HostRequest } from './host'

const port = parentPort!
const host = new ReplayHost(workerData as HostConfig, (m, transfer) => port.postMessage(m, transfer ?? []))
port.on('message', (m: HostRequest) => host.handle(m))
port.postMessage({ op: 'ready' })
