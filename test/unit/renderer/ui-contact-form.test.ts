// The contact form's rules: a bad email or phone is refused with a reason, phones are saved as
// E.164 read in the default country, duplicates are named, and saved rows keep their search keys.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  checkDraft,
  draftOf,
  emptyDraft,
  findDuplicates,
  saveContact,
} from '../../../src-renderer/features/contacts/contact-form';
import { contactsPage } from '../../../src-renderer/queries/contacts';
import { mergeContacts } from '../../../src-renderer/stitching/manual';
import { addContact, freshDb, settingsWith } from './support';

const draft = (fields: Partial<ReturnType<typeof emptyDraft>>) => ({ ...emptyDraft(), ...fields });

describe('contact form', () => {
  it('custom fields: shown one per line, edited as Field: value, an empty value removes one, a line without a colon is refused', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana', custom: { City: 'Lisbon', Company: 'Acme' } });
    const ana = await db.contacts.get('ana');
    if (!ana) throw new Error('no contact');
    const edit = draftOf(ana);
    expect(edit.custom).toBe('City: Lisbon\nCompany: Acme');

    const bad = checkDraft({ ...edit, custom: 'City: Porto\nLoyalty gold' }, 'PT');
    expect(bad.errors.custom).toMatch(/Line 2 needs a field name and a colon/);

    const changed = { ...edit, custom: 'City: Porto\nCompany:\n Tier : gold: plus ' };
    const checked = checkDraft(changed, 'PT');
    expect(checked.errors).toEqual({});
    await saveContact(db, changed, checked, ana);
    expect((await db.contacts.get('ana'))?.custom).toEqual({ City: 'Porto', Tier: 'gold: plus' });
  });

  it('refuses a malformed email or phone and a contact with nothing to call them by', () => {
    const checked = checkDraft(draft({ firstName: 'Ana', email: 'ana.example.org', phone: '555 12' }), 'US');
    expect(checked.errors.email).toMatch(/valid email/);
    expect(checked.errors.phone).toMatch(/Not a valid phone number/);
    expect(checkDraft(draft({}), 'US').errors.firstName).toMatch(/at least a name/);
  });

  it('reads national numbers in the default country and canonicalises the email', () => {
    const us = checkDraft(
      draft({ firstName: 'Ana', email: ' Ana@Example.ORG ', phone: '(415) 555-2671' }),
      'US',
    );
    expect(us).toEqual({ errors: {}, custom: {}, email: 'ana@example.org', phone: '+14155552671' });
    const gb = checkDraft(draft({ firstName: 'Ben', whatsapp: '020 7946 0958' }), 'GB');
    expect(gb).toEqual({ errors: {}, custom: {}, whatsapp: '+442079460958' });
  });

  it('names the contact who already has the email or phone, and ignores the contact being edited', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana', lastName: 'Lima', email: 'ana@example.org' });
    await addContact(db, { id: 'ben', firstName: 'Ben', lastName: 'Okafor', whatsapp: '+14155552671' });
    const checked = checkDraft(
      draft({ firstName: 'X', email: 'ANA@example.org', phone: '415 555 2671' }),
      'US',
    );
    expect(await findDuplicates(db, checked)).toEqual({
      email: 'Ana Lima already has this email',
      phone: 'Ben Okafor already has +14155552671',
    });
    expect(await findDuplicates(db, checkDraft(draft({ email: 'ana@example.org' }), 'US'), 'ana')).toEqual(
      {},
    );

    // A merged duplicate is named by the contact it now lives on.
    await addContact(db, { id: 'dup', firstName: 'Dup', email: 'dup@example.org' });
    await mergeContacts(db, { targetId: 'ana', sourceId: 'dup', settings: settingsWith() });
    expect(await findDuplicates(db, checkDraft(draft({ email: 'dup@example.org' }), 'US'))).toEqual({
      email: 'Ana Lima already has this email',
    });
  });

  it('saves new and edited contacts so search finds them by the new values only', async () => {
    const db = freshDb();
    const first = draft({
      firstName: 'Ana',
      lastName: 'Lima',
      phone: '415 555 2671',
      tags: 'vip, spring, vip',
    });
    const id = await saveContact(db, first, checkDraft(first, 'US'));
    const saved = await db.contacts.get(id);
    expect(saved).toMatchObject({ phone: '+14155552671', tags: ['vip', 'spring'], nameKey: 'ana lima' });
    if (!saved) throw new Error('not saved');

    const edited = { ...draftOf(saved), lastName: 'Souza', phone: '', email: 'ana@souza.example' };
    await saveContact(db, edited, checkDraft(edited, 'US'), saved);
    const found = async (search: string) => (await contactsPage(db, { search })).rows.map((c) => c.id);
    expect(await found('souza')).toEqual([id]);
    expect(await found('lima')).toEqual([]);
    expect(await found('555 2671')).toEqual([]);
    expect((await db.contacts.get(id))?.phone).toBeUndefined();
  });
});
