// Which contact field each column of an imported file fills, guessed from the header names
// (including the columns our own export writes) and then adjustable in the import wizard.

export type FieldTarget =
  | 'ignore'
  | 'firstName'
  | 'lastName'
  | 'fullName'
  | 'email'
  | 'phone'
  | 'whatsapp'
  | 'country'
  | 'tags'
  | 'lists'
  | 'consentSms'
  | 'consentWhatsapp'
  | 'consentEmail'
  | 'custom';

export interface ColumnMapping {
  target: FieldTarget;
  /** The custom field's name when `target` is 'custom'. */
  customName?: string;
}

export const FIELD_LABELS: Record<FieldTarget, string> = {
  ignore: 'Do not import',
  firstName: 'First name',
  lastName: 'Last name',
  fullName: 'Full name (split)',
  email: 'Email',
  phone: 'Phone',
  whatsapp: 'WhatsApp number',
  country: 'Country (for phone numbers)',
  tags: 'Tags',
  lists: 'Lists',
  consentSms: 'SMS consent',
  consentWhatsapp: 'WhatsApp consent',
  consentEmail: 'Email consent',
  custom: 'Custom field',
};

/** Targets a file may fill once; a second column guessed as the same one becomes a custom field. */
const SINGLE_TARGETS = new Set<FieldTarget>([
  'firstName',
  'lastName',
  'fullName',
  'email',
  'phone',
  'whatsapp',
  'country',
  'consentSms',
  'consentWhatsapp',
  'consentEmail',
]);

const key = (header: string): string => header.toLowerCase().replace(/[^a-z0-9]/g, '');

const SYNONYMS: Record<Exclude<FieldTarget, 'custom'>, string[]> = {
  firstName: ['firstname', 'first', 'givenname', 'forename', 'fname', 'prenom', 'vorname', 'nombre'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'lname', 'nachname', 'apellido', 'apellidos'],
  fullName: ['name', 'fullname', 'contactname', 'displayname', 'contact', 'customer', 'customername'],
  email: ['email', 'emailaddress', 'mail', 'emailid', 'courriel'],
  phone: [
    'phone',
    'phonenumber',
    'mobile',
    'mobilephone',
    'mobilenumber',
    'cell',
    'cellphone',
    'telephone',
    'tel',
    'msisdn',
    'sms',
    'smsnumber',
    'handy',
    'telefono',
  ],
  whatsapp: ['whatsapp', 'whatsappnumber', 'whatsappphone', 'wa', 'wanumber'],
  country: ['country', 'countrycode', 'countryiso', 'iso', 'nation', 'land', 'pais', 'pays', 'paese'],
  tags: ['tags', 'tag', 'labels', 'label', 'segments', 'segment'],
  lists: ['lists', 'list', 'audiences', 'audience', 'groups', 'group'],
  consentSms: ['smsconsent', 'consentsms', 'smsoptin', 'optinsms', 'smsmarketing', 'smssubscribed'],
  consentWhatsapp: [
    'whatsappconsent',
    'consentwhatsapp',
    'whatsappoptin',
    'optinwhatsapp',
    'wamarketing',
    'waoptin',
  ],
  consentEmail: [
    'emailconsent',
    'consentemail',
    'emailoptin',
    'optinemail',
    'newsletter',
    'emailmarketing',
    'acceptsmarketing',
    'emailsubscribed',
  ],
  // Derived columns of our own export: re-importing an export must not turn them into custom fields.
  ignore: [
    'id',
    'phonetype',
    'linkedvisitors',
    'identityemails',
    'identityphones',
    'lastseen',
    'pageviews',
    'sessions',
    'clicks',
    'messages',
    'created',
    'createdat',
    'updated',
    'updatedat',
  ],
};

const BY_KEY = new Map<string, FieldTarget>();
for (const [target, names] of Object.entries(SYNONYMS) as [FieldTarget, string[]][]) {
  for (const name of names) BY_KEY.set(name, target);
}

/** Best guess for one header, before the one-column-per-field rule. */
export function guessTarget(header: string): ColumnMapping {
  const trimmed = header.trim();
  const custom = /^custom[.:_ ](.+)$/i.exec(trimmed);
  if (custom?.[1]) return { target: 'custom', customName: custom[1].trim() };
  if (/^(stats|identities)\./i.test(trimmed)) return { target: 'ignore' };
  const k = key(trimmed);
  const exact = BY_KEY.get(k);
  if (exact) return { target: exact };
  const consent = /consent|optin|subscribed|permission/.test(k);
  if (k.includes('whatsapp')) return { target: consent ? 'consentWhatsapp' : 'whatsapp' };
  if (k.includes('sms') && consent) return { target: 'consentSms' };
  if (k.includes('mail')) return { target: consent ? 'consentEmail' : 'email' };
  if (/phone|mobile|cell|^tel/.test(k)) return { target: 'phone' };
  if (k.includes('country')) return { target: 'country' };
  if (trimmed === '') return { target: 'ignore' };
  return { target: 'custom', customName: trimmed };
}

export function detectMapping(headers: readonly string[]): ColumnMapping[] {
  const taken = new Set<FieldTarget>();
  const mapping = headers.map((header) => {
    const guess = guessTarget(header);
    if (SINGLE_TARGETS.has(guess.target)) {
      if (taken.has(guess.target))
        return { target: 'custom', customName: header.trim() } satisfies ColumnMapping;
      taken.add(guess.target);
    }
    return guess;
  });
  // A full name column only when first/last are not there too: otherwise it would overwrite them.
  if (taken.has('fullName') && (taken.has('firstName') || taken.has('lastName'))) {
    return mapping.map((m, i) =>
      m.target === 'fullName' ? { target: 'custom', customName: headers[i]?.trim() ?? 'Name' } : m,
    );
  }
  return mapping;
}
