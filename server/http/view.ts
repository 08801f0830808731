// Cases and events as the API shows them: times as RFC 3339, personal data masked unless the caller is an
// operator. Citizen text stays a JSON string (never HTML); phone numbers and people's names in it are masked too.
import type { CaseRow } from '../cases/log'
import type { EventRow } from '../cases/read'
import { maskName, maskPhone, maskText } from '../../shared/mask'

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

export function caseView(r: CaseRow, personal: boolean) {
  return {
    id: r.id,
    externalId: r.externalId,
    source: r.source,
    matter: r.matter,
    grid: r.grid,
    special: r.special,
    lon: r.lon,
    lat: r.lat,
    address: personal ? r.address : maskText(r.address, { names: [r.reporterName] }),
    description: personal ? r.description : maskText(r.description, { names: [r.reporterName] }),
    reporterName: personal ? r.reporterName : maskName(r.reporterName),
    reporterPhone: personal ? r.reporterPhone : maskPhone(r.reporterPhone),
    mediaUrl: r.mediaUrl,
    state: r.state,
    level: r.level,
    light: r.light,
    department: r.department,
    deadline: iso(r.deadline),
    reportedAt: iso(r.reportedAt)!,
    registeredAt: iso(r.registeredAt),
    dispatchedAt: iso(r.dispatchedAt),
    handledAt: iso(r.handledAt),
    closedAt: iso(r.closedAt),
    reworks: r.reworks,
    returns: r.returns,
    extensions: r.extensions,
    supervised: !!r.supervised,
    forced: !!r.forced,
    rating: r.rating,
    updatedAt: iso(r.updatedAt)!,
  }
}

export function eventView(e: EventRow) {
  let data: Record<string, unknown> | null = null
  if (e.data !== null) {
    data = JSON.parse(e.data) as Record<string, unknown>
    if (typeof data.deadline === 'number') data.deadline = iso(data.deadline)
  }
  return {
    id: e.id, action: e.action, from: e.fromState, to: e.toState, level: e.level, actor: e.actor, at: iso(e.at)!,
    reason: e.reason, data,
  }
}
