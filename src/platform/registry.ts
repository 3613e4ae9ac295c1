import type { Platform } from '../config/botSpec.js';
import type { PlatformAdapter } from './adapter.js';
import { googleMeetAdapter } from '../../platforms/google_meet/adapter.js';

/** The only place the runtime imports platform adapters. */
const ADAPTERS: Partial<Record<Platform, PlatformAdapter>> = {
  google_meet: googleMeetAdapter,
};

export function adapterFor(platform: Platform): PlatformAdapter {
  const adapter = ADAPTERS[platform];
  if (!adapter) throw new Error(`no adapter for platform ${platform}`);
  return adapter;
}
