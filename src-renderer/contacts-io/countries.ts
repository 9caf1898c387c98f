// A Country column's cell → the ISO 3166 code its phone numbers are read in: "DE", "de", "Germany",
// "Deutschland", "México", "UK"… Names come from the browser's own region names in a few languages,
// so no list is kept here; codes are the ones libphonenumber-js (max metadata) knows numbers for.
import { type CountryCode, getCountries } from 'libphonenumber-js/max';

const NAME_LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'ja'];

/** Names people write that are not the region's name in any of those languages. */
const ALIASES: Record<string, CountryCode> = {
  uk: 'GB',
  'great britain': 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  usa: 'US',
  'u.s.': 'US',
  'u.s.a.': 'US',
  america: 'US',
  'united states of america': 'US',
  holland: 'NL',
  'south korea': 'KR',
  korea: 'KR',
  russia: 'RU',
  'czech republic': 'CZ',
  turkey: 'TR',
};

/** Lower case, accents off, "the" dropped: "México" and "mexico", "The Netherlands" and "Netherlands". */
const nameKey = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/^the\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();

let byName: Map<string, CountryCode> | null = null;

function names(): Map<string, CountryCode> {
  if (byName) return byName;
  const map = new Map<string, CountryCode>();
  const codes = getCountries();
  for (const language of NAME_LANGUAGES) {
    const display = new Intl.DisplayNames([language], { type: 'region' });
    for (const code of codes) {
      const name = display.of(code);
      if (name && name !== code && !map.has(nameKey(name))) map.set(nameKey(name), code);
    }
  }
  for (const [alias, code] of Object.entries(ALIASES)) map.set(nameKey(alias), code);
  byName = map;
  return map;
}

const CODES = new Set<string>(getCountries());

/** The country a cell names, or null when it is neither a known ISO code nor a country name. */
export function countryOf(cell: string): CountryCode | null {
  const text = cell.trim();
  const upper = text.toUpperCase();
  if (upper === 'UK') return 'GB';
  if (/^[A-Z]{2}$/.test(upper) && CODES.has(upper)) return upper as CountryCode;
  return names().get(nameKey(text)) ?? null;
}

/** "Germany (DE)": how reasons name a country. */
export function countryLabel(code: CountryCode): string {
  const name = new Intl.DisplayNames(['en'], { type: 'region' }).of(code);
  return name && name !== code ? `${name} (${code})` : code;
}
