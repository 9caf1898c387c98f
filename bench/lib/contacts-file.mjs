// Synthetic contacts files for the UI benchmarks: unique emails and valid US numbers (so nothing is
// rejected or skipped as a duplicate), made-up surnames shared by a handful of people (so a search finds a few).
import { writeFileSync } from 'node:fs';

const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloé',
  'Dan',
  'Eve',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Kemi',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Umar',
  'Vera',
  'Wen',
  'Yusuf',
];
const CONSONANTS = 'bdfgklmnprstvz';
const VOWELS = 'aeiou';
const TAGS = ['vip', 'spring', 'newsletter', 'wholesale', 'returning'];
// Area codes and exchanges libphonenumber accepts as US numbers (fixed line or mobile).
const AREAS = [201, 212, 213, 312, 415, 617, 646, 702, 718, 917];
const EXCHANGES = [234, 247, 263, 278, 296, 325, 352, 387, 423, 468];

/** Made-up surnames of three consonant-vowel syllables: all the same length, so none prefixes another. */
function surname(n) {
  let x = (n * 7919 + 13) % 70 ** 3;
  let name = '';
  for (let s = 0; s < 3; s++) {
    const syllable = x % 70;
    x = Math.floor(x / 70);
    name += CONSONANTS[syllable % CONSONANTS.length] + VOWELS[Math.floor(syllable / CONSONANTS.length)];
  }
  return name[0].toUpperCase() + name.slice(1);
}

/** The i-th of up to 1,000,000 distinct valid US numbers, in E.164. */
function phoneOf(i) {
  const rest = Math.floor(i / AREAS.length);
  const line = String(Math.floor(rest / EXCHANGES.length)).padStart(4, '0');
  return `+1${AREAS[i % AREAS.length]}${EXCHANGES[rest % EXCHANGES.length]}${line}`;
}

/** E.164 for some rows, US national formats for the others: the importer normalises both. */
function writtenPhone(e164, i) {
  const [area, exchange, line] = [e164.slice(2, 5), e164.slice(5, 8), e164.slice(8)];
  if (i % 3 === 0) return e164;
  return i % 3 === 1 ? `(${area}) ${exchange}-${line}` : `${area}-${exchange}-${line}`;
}

/**
 * Writes `count` contacts as CSV to `path`; with `smsConsent` / `emailConsent`, an "SMS consent" /
 * "Email consent" column says yes; `extraTag` adds a tag to the first `extraTag.count` rows.
 * Returns the contacts as the store will hold them (lower-case search keys, E.164 phone).
 */
export function writeContactsCsv(
  path,
  count,
  { smsConsent = false, emailConsent = false, extraTag = null, perSurname = 4 } = {},
) {
  const header = ['First name', 'Last name', 'Email', 'Phone', 'Tags'];
  if (smsConsent) header.push('SMS consent');
  if (emailConsent) header.push('Email consent');
  const lines = [header.join(',')];
  const contacts = [];
  for (let i = 0; i < count; i++) {
    const firstName = FIRST_NAMES[i % FIRST_NAMES.length];
    const lastName = surname(Math.floor(i / perSurname));
    const email = `${firstName.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()}.${lastName.toLowerCase()}.${i}@example.org`;
    const phone = phoneOf(i);
    const tags = [TAGS[i % TAGS.length], ...(i % 7 === 0 ? [TAGS[(i + 2) % TAGS.length]] : [])];
    if (extraTag && i < extraTag.count) tags.push(extraTag.tag);
    const row = [firstName, lastName, email, writtenPhone(phone, i), tags.join('; ')];
    if (smsConsent) row.push('yes');
    if (emailConsent) row.push('yes');
    lines.push(row.join(','));
    contacts.push({ index: i, firstName, lastName, email, phone });
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return contacts;
}

/** The contacts a search box query finds, by the same contains-match `contactsPage` searches with. */
export function expectedMatches(contacts, term) {
  const t = term.trim().toLowerCase();
  return contacts.filter((c) => {
    const first = c.firstName.toLowerCase();
    const last = c.lastName.toLowerCase();
    // The contact list's search is a contains-match over names and email.
    return `${first} ${last}`.includes(t) || `${last} ${first}`.includes(t) || c.email.includes(t);
  });
}
