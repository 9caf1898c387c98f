// SMS length: encoding (GSM-7 or UCS-2), segments and the characters that force UCS-2, computed by
// sms-segments-calculator; plus the smart-punctuation fix, the opt-out footer and the 1,600 cap.
import { SegmentedMessage } from 'sms-segments-calculator';

export const SMS_MAX_CHARACTERS = 1600;
export const OPT_OUT_FOOTER = 'Reply STOP to opt out';

export interface SmsInfo {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  /** Code units as the network counts them (GSM extension characters such as € and { count 2). */
  characters: number;
  /** Characters that force UCS-2, each once. */
  ucs2Characters: string[];
  overLimit: boolean;
}

/** The GSM-7 basic set, where each character is one unit and no escape is needed. */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_BASIC_SET = new Set(GSM_BASIC);

export function smsInfo(text: string): SmsInfo {
  // Prepare counts thousands of messages; most are plain GSM-7 text, whose count is simple and exact.
  let basic = true;
  for (const char of text) {
    if (!GSM_BASIC_SET.has(char)) {
      basic = false;
      break;
    }
  }
  if (basic) {
    const length = text.length;
    return {
      encoding: 'GSM-7',
      segments: length === 0 ? 0 : length <= 160 ? 1 : Math.ceil(length / 153),
      characters: length,
      ucs2Characters: [],
      overLimit: length > SMS_MAX_CHARACTERS,
    };
  }
  const message = new SegmentedMessage(text);
  return {
    encoding: message.encodingName,
    segments: message.segmentsCount,
    characters: message.numberOfCharacters,
    ucs2Characters: [...new Set(message.getNonGsmCharacters())],
    overLimit: message.numberOfCharacters > SMS_MAX_CHARACTERS,
  };
}

/** Typographic punctuation (often pasted from a word processor) and its GSM-7 equivalent. */
const SMART_PUNCTUATION: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u00b4': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u201f': '"',
  '\u2033': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2012': '-',
  '\u2010': '-',
  '\u2011': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u2002': ' ',
  '\u2003': ' ',
  '\u2009': ' ',
  '\u200b': '',
  '\u2022': '-',
};

const SMART_PATTERN = new RegExp(`[${Object.keys(SMART_PUNCTUATION).join('')}]`, 'g');

export function replaceSmartPunctuation(text: string): string {
  return text.replace(SMART_PATTERN, (c) => SMART_PUNCTUATION[c] ?? c);
}

export function hasSmartPunctuation(text: string): boolean {
  SMART_PATTERN.lastIndex = 0;
  return SMART_PATTERN.test(text);
}

export function withOptOutFooter(text: string, footer: boolean): string {
  if (!footer) return text;
  return `${text.replace(/\s+$/, '')}\n${OPT_OUT_FOOTER}`;
}
