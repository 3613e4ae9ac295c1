import type { Platform } from '../config/botSpec.js';
import type { PlatformAdapter } from './adapter.js';
import { createGoogleMeetAdapter } from '../../platforms/google_meet/adapter.js';
import { createMicrosoftTeamsAdapter } from '../../platforms/microsoft_teams/adapter.js';
import { createWebexAdapter } from '../../platforms/webex/adapter.js';
import { createZoomAdapter } from '../../platforms/zoom/adapter.js';

/** The only place the runtime imports platform adapters (a lint rule keeps it so). */
const ADAPTER_FACTORIES: Record<Platform, () => PlatformAdapter> = {
  google_meet: createGoogleMeetAdapter,
  zoom: createZoomAdapter,
  webex: createWebexAdapter,
  microsoft_teams: createMicrosoftTeamsAdapter,
};

/** A new adapter for one bot: whatever it learns about its page stays with that bot. */
export function createAdapter(platform: Platform): PlatformAdapter {
  return ADAPTER_FACTORIES[platform]();
}
