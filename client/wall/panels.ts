// The wall's panels by id: the names a wall profile uses to choose and place them, and the id every panel's
// root element carries as data-panel.
export const PANEL_IDS = ['trend', 'categories', 'sources', 'ladder', 'departments', 'specials', 'alerts', 'ticker'] as const
export type PanelId = (typeof PANEL_IDS)[number]
export const isPanelId = (v: unknown): v is PanelId => typeof v === 'string' && (PANEL_IDS as readonly string[]).includes(v)
