// The app settings as the main process has them, read when a screen opens (the contact form needs
// the default phone country; the ingest loop reads its own copy).
import { useEffect, useState } from 'react';
import type { Settings } from '../../src-main/shared/settings';
import { type IngestSettings, ingestSettingsOf } from '../ingest/batch';
import { bridge } from '../platform';
import type { CountryCode } from '../stitching/identifiers';

export function useSettings(): Settings | null {
  const [settings, setSettings] = useState<Settings | null>(null);
  useEffect(() => {
    let live = true;
    bridge.invoke('settings.get', undefined).then(
      (value) => live && setSettings(value),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return settings;
}

/**
 * The ingest's settings as the main process has them now: what a change by hand (a link confirmed,
 * rejected, made, removed, merged or undone) weighs the click links it touches again with.
 */
export async function currentIngestSettings(): Promise<IngestSettings> {
  return ingestSettingsOf(await bridge.invoke('settings.get', undefined));
}

/** The country phones without `+` are read in (US until settings arrive). */
export function useDefaultCountry(): CountryCode {
  const code = useSettings()?.stitching.defaultCountry;
  return (code && /^[A-Z]{2}$/.test(code) ? code : 'US') as CountryCode;
}
