// What a case is about: fixed when it is reported. Shared by the server's case log and the history
// generator, so a generated case and an ingested one have the same shape.

export interface CaseFacts {
  /** Upstream id, e.g. the 12345 工单编号; unique when present. */
  externalId: string | null
  source: string
  matter: string
  /** The micro grid the case lies in (ancestors follow from the code prefix). */
  grid: string
  special: string | null
  lon: number
  lat: number
  address: string | null
  description: string
  reporterName: string | null
  reporterPhone: string | null
  mediaUrl: string | null
}
