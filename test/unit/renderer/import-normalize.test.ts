// Turning records into contact fields: header auto-detection, phones per country (E.164 and type),
// emails, consent words, names, tags, and the reasons rows are rejected.
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, STATS_COLUMNS } from '../../../src-renderer/contacts-io/export';
import { detectMapping, guessTarget } from '../../../src-renderer/contacts-io/mapping';
import {
  checkEmail,
  checkPhone,
  parseConsent,
  prepareRecord,
  splitFullName,
  splitTags,
} from '../../../src-renderer/contacts-io/normalize';

describe('header auto-detection', () => {
  it('recognises the usual names of each contact field', () => {
    const headers = [
      'First Name',
      'surname',
      'E-mail Address',
      'Mobile',
      'WhatsApp',
      'Tags',
      'Lists',
      'SMS opt-in',
      'WhatsApp consent',
      'Newsletter',
      'Plan',
    ];
    expect(detectMapping(headers).map((m) => m.target)).toEqual([
      'firstName',
      'lastName',
      'email',
      'phone',
      'whatsapp',
      'tags',
      'lists',
      'consentSms',
      'consentWhatsapp',
      'consentEmail',
      'custom',
    ]);
    expect(guessTarget('Plan')).toEqual({ target: 'custom', customName: 'Plan' });
  });

  it('splits a single name column only when there are no first/last name columns', () => {
    expect(detectMapping(['Name', 'Email']).map((m) => m.target)).toEqual(['fullName', 'email']);
    expect(detectMapping(['First name', 'Last name', 'Name'])[2]).toEqual({
      target: 'custom',
      customName: 'Name',
    });
  });

  it('maps a second column for the same field to a custom field rather than overwriting', () => {
    expect(detectMapping(['Email', 'Work email'])).toEqual([
      { target: 'email' },
      { target: 'custom', customName: 'Work email' },
    ]);
  });

  it("reads our own export's columns back: contact fields, custom.* fields, derived columns ignored", () => {
    const mapping = detectMapping([...CSV_COLUMNS, 'custom.plan', ...STATS_COLUMNS]);
    expect(mapping.map((m) => m.target)).toEqual([
      'firstName',
      'lastName',
      'email',
      'phone',
      'ignore',
      'whatsapp',
      'tags',
      'lists',
      'consentSms',
      'consentWhatsapp',
      'consentEmail',
      'custom',
      ...STATS_COLUMNS.map(() => 'ignore'),
    ]);
    expect(mapping[11]).toEqual({ target: 'custom', customName: 'plan' });
  });
});

describe('phone numbers', () => {
  it.each([
    ['US', '(415) 555-2671', '+14155552671', 'fixed-or-mobile'],
    ['US', '+1 415-555-2671', '+14155552671', 'fixed-or-mobile'],
    ['GB', '07400 123456', '+447400123456', 'mobile'],
    ['GB', '+44 20 7946 0018', '+442079460018', 'fixed-line'],
    ['GB', '020 7946 0018', '+442079460018', 'fixed-line'],
    ['IN', '98765 43210', '+919876543210', 'mobile'],
    ['IN', '+91 22 6123 4567', '+912261234567', 'fixed-line'],
    ['BR', '(11) 98765-4321', '+5511987654321', 'mobile'],
    ['BR', '+55 11 3333-4444', '+551133334444', 'fixed-line'],
    ['DE', '0170 1234567', '+491701234567', 'mobile'],
    ['DE', '+49 30 123456', '+4930123456', 'fixed-line'],
    ['NG', '0803 123 4567', '+2348031234567', 'mobile'],
    ['NG', '+234 201 461 6000', '+2342014616000', 'fixed-line'],
    ['NG', '00234 803 123 4567', '+2348031234567', 'mobile'],
  ] as const)('%s %s → %s (%s)', (country, raw, e164, type) => {
    expect(checkPhone(raw, country)).toEqual({ ok: true, e164, type });
  });

  it('reads a number with a + prefix by its own country, whatever the default', () => {
    expect(checkPhone('+44 7400 123456', 'US')).toMatchObject({
      ok: true,
      e164: '+447400123456',
      type: 'mobile',
    });
  });

  it('rejects invalid numbers, naming the default country when it was used', () => {
    expect(checkPhone('12345', 'US')).toEqual({
      ok: false,
      reason: 'phone 12345 is not a valid number for United States (US): too short',
    });
    expect(checkPhone('+44 12', 'US')).toEqual({
      ok: false,
      reason: 'phone +44 12 is not a valid number: too short',
    });
    // Valid digits in the wrong country are not guessed into another one.
    expect(checkPhone('07400 123456', 'US').ok).toBe(false);
    // Placeholders no one owns.
    expect(checkPhone('+1 111 111 1111', 'US').ok).toBe(false);
  });
});

describe('emails, consent, names and tags', () => {
  it('lower-cases and validates emails', () => {
    expect(checkEmail('  Ada@Example.ORG ')).toEqual({ ok: true, email: 'ada@example.org' });
    expect(checkEmail('ada@')).toEqual({ ok: false, reason: 'email ada@ is not a valid address' });
    expect(checkEmail('ada example.org')).toMatchObject({ ok: false });
    expect(checkEmail('test@example.com')).toEqual({
      ok: false,
      reason: "email test@example.com is a placeholder address, not a person's",
    });
  });

  it('reads consent words', () => {
    for (const yes of ['yes', 'Y', 'TRUE', '1', 'x', 'opted in', 'subscribed'])
      expect(parseConsent(yes)).toBe(true);
    for (const no of ['no', 'N', 'false', '0', 'unsubscribed']) expect(parseConsent(no)).toBe(false);
    expect(parseConsent('maybe')).toBeNull();
  });

  it('splits full names and tags', () => {
    expect(splitFullName('Ada King Lovelace')).toEqual({ firstName: 'Ada King', lastName: 'Lovelace' });
    expect(splitFullName('Lovelace, Ada')).toEqual({ firstName: 'Ada', lastName: 'Lovelace' });
    expect(splitFullName('Cher')).toEqual({ firstName: 'Cher', lastName: '' });
    expect(splitTags('vip; spring,  2025 ,vip,')).toEqual(['vip', 'spring', '2025']);
  });
});

describe('prepareRecord', () => {
  const mapping = detectMapping(['Name', 'Email', 'Phone', 'SMS consent', 'Tags', 'Plan']);
  const options = { defaultCountry: 'US' as const, unquoteFormulas: true };
  const record = (cells: string[], line = 2) => ({ cells, line, where: `line ${line}` });

  it('builds canonical fields, keeping formula-looking names as plain text', () => {
    const prepared = prepareRecord(
      record(['=HYPERLINK("http://evil.example","click")', 'EVE@x.co', '415 555 2671', 'yes', 'a;b', 'pro']),
      mapping,
      options,
    );
    expect(prepared).toMatchObject({
      ok: true,
      contact: {
        fields: {
          firstName: '=HYPERLINK("http://evil.example","click")',
          email: 'eve@x.co',
          phone: '+14155552671',
          phoneType: 'fixed-or-mobile',
          tags: ['a', 'b'],
          consent: { sms: true },
          custom: { Plan: 'pro' },
        },
      },
    });
  });

  it("undoes the export's neutralising quote on CSV import", () => {
    const prepared = prepareRecord(record(["'=SUM(A1)", 'sum@x.co', '', '', '', "'-cmd"]), mapping, options);
    expect(prepared.ok && prepared.contact.fields.firstName).toBe('=SUM(A1)');
    expect(prepared.ok && prepared.contact.fields.custom.Plan).toBe('-cmd');
  });

  it('rejects a row with every reason it has, and rows with nothing to identify a person', () => {
    const bad = prepareRecord(record(['Bo', 'bo@', '12345', 'maybe', '', ''], 7), mapping, options);
    expect(bad).toEqual({
      ok: false,
      rejected: {
        line: 7,
        where: 'line 7',
        reason:
          'email bo@ is not a valid address; phone 12345 is not a valid number for United States (US): too short; SMS consent "maybe" is not yes or no',
        cells: ['Bo', 'bo@', '12345', 'maybe', '', ''],
      },
    });
    const empty = prepareRecord(record(['', '', '', 'yes', 'vip', 'pro']), mapping, options);
    expect(empty.ok ? null : empty.rejected.reason).toBe('no name, email or phone');
  });
});
