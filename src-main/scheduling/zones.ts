// A recipient's time zone(s): the contact's own IANA zone when set, else the zones of the phone
// number's country (libphonenumber-js gives the country, countries-and-timezones its zones).
import { getCountry, getTimezone } from 'countries-and-timezones';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { ZoneSource } from '../shared/scheduling';
import { isTimeZone, offsetAt } from './zone-time';

export interface RecipientZones {
  /** One zone, or every distinct zone of a multi-zone country (quiet hours must hold in all). */
  zones: string[];
  /** Used when the zones' allowed windows never overlap: the zone of median offset. */
  fallback: string | null;
  source: ZoneSource;
}

const NONE: RecipientZones = { zones: [], fallback: null, source: 'none' };
const byCountry = new Map<string, RecipientZones>();

/**
 * The country's own zones: those it is the first country of in the library (so Asia/Tokyo, also
 * listed under Australia, stays Japan's), known to this runtime, one per distinct offset pattern
 * (January and July offsets), so the United States' 29 zones become 7.
 */
function countryZones(country: string): RecipientZones {
  const cached = byCountry.get(country);
  if (cached) return cached;
  const listed = getCountry(country)?.timezones ?? [];
  const own = listed.filter((zone) => getTimezone(zone)?.countries[0] === country);
  const candidates = (own.length > 0 ? own : listed).filter(isTimeZone).sort();
  const year = new Date().getUTCFullYear();
  const january = Date.UTC(year, 0, 15);
  const july = Date.UTC(year, 6, 15);
  const seen = new Map<string, { zone: string; offset: number }>();
  for (const zone of candidates) {
    const key = `${offsetAt(january, zone)}/${offsetAt(july, zone)}`;
    if (!seen.has(key)) seen.set(key, { zone, offset: offsetAt(january, zone) });
  }
  const distinct = [...seen.values()].sort((a, b) => a.offset - b.offset);
  const result: RecipientZones =
    distinct.length === 0
      ? NONE
      : {
          zones: distinct.map((d) => d.zone),
          fallback: distinct[Math.floor((distinct.length - 1) / 2)]?.zone ?? null,
          source: 'phone',
        };
  byCountry.set(country, result);
  return result;
}

/** The zones a recipient's quiet hours apply in; an unknown contact zone falls back to the phone's. */
export function recipientZones(to: string, contactZone?: string): RecipientZones {
  if (contactZone && isTimeZone(contactZone)) {
    return { zones: [contactZone], fallback: contactZone, source: 'contact' };
  }
  const country = parsePhoneNumberFromString(to)?.country;
  return country ? countryZones(country) : NONE;
}
