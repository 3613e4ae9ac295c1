import type { Platform } from '../config/botSpec.js';
import type { PlatformAdapter } from './adapter.js';
import { googleMeetAdapter } from '../../platforms/google_meet/adapter.js';
import { webexAdapter } from '../../platforms/webex/adapter.js';
import { zoomAdapter } from '../../platforms/zoom/adapter.js';

/** The only place the runtime imports platform adapters. */
const ADAPTERS: Record<Platform, PlatformAdapter> = {
  google_meet: googleMeetAdapter,
  zoom: zoomAdapter,
  webex: webexAdapter,
};

export function adapterFor(platform: Platform): PlatformAdapter {
  return ADAPTERS[platform];
}
