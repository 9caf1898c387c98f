// Which fields of a submitted form may leave the page: one email and one phone number, picked by
// type, name, id or autocomplete, and never a secret, hidden or payment field.

// Only free-text inputs can hold a contact; this alone rules out password, hidden, checkbox, file…
const TEXT_TYPES = /^(text|email|tel|number)$/;
// Anything that names a secret or a payment detail is skipped even if it also says "email"/"phone".
const SECRET_HINT = /card|cc-|cvc|cvv|iban|pass|one-time|otp|secret|token/;
const EMAIL_HINT = /e-?mail/;
const PHONE_HINT = /phone|mobile|tel|whatsapp/;
// Values are checked too, so a field whose name merely contains "tel" (e.g. "hotel") sends nothing.
const EMAIL_VALUE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_VALUE = /^\+?[\d\s().-]+$/;

export interface ContactTraits {
  email?: string;
  phone?: string;
}

export function contactTraits(form: HTMLFormElement): ContactTraits {
  const traits: ContactTraits = {};
  for (const field of Array.from(form.elements)) {
    if (!(field instanceof HTMLInputElement) || !TEXT_TYPES.test(field.type)) continue;
    const hint = `${field.name} ${field.id} ${field.getAttribute('autocomplete') ?? ''}`.toLowerCase();
    if (SECRET_HINT.test(hint)) continue;
    const value = field.value.trim();
    if (!traits.email && (field.type === 'email' || EMAIL_HINT.test(hint)) && EMAIL_VALUE.test(value)) {
      traits.email = value;
    } else if (!traits.phone && (field.type === 'tel' || PHONE_HINT.test(hint)) && isPhone(value)) {
      traits.phone = value;
    }
  }
  return traits;
}

// 7–15 digits: E.164's ceiling, and above the length of one-time codes.
function isPhone(value: string): boolean {
  const digits = value.replace(/\D/g, '').length;
  return PHONE_VALUE.test(value) && digits >= 7 && digits <= 15;
}
