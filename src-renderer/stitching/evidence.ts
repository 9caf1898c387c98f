// Evidence, not counts (DESIGN §6 rule 9): how sure the engine is that a browser which opened a
// recipient's tracked link is the recipient's own. Pure: the facts of one message and of the
// browsers that opened it in, a confidence and the evidence in words out.
//
// The model is a logistic score: each piece of evidence adds a weight in log-odds, and the
// confidence is 1 / (1 + e^-sum). A link at or above LINK_THRESHOLD is made (or kept); below it the
// link is *tentative*: shown apart with its reasons, kept out of timelines, stats, audiences and
// reports until the marketer decides. Weights and threshold were chosen on the population simulator
// (bench/browser/identity-sim.ts, `npm run bench` → identity.*), reasoning as follows:
// - A lone phone opening an SMS link soon after it was sent is almost always its recipient
//   (own message + first browser + device fits + soon = 3.5 → 0.97).
// - Every other browser on the same message divides the odds for all of them by e (-1.0 each): a
//   forwarded link makes even its first opener doubtful, because forwards often reach a stranger
//   before the owner taps, or reach only strangers. On the simulator's adversarial plans the first
//   phone of a forwarded text was a stranger's in most of the remaining errors; at -0.5 the first of
//   three phones was still linked (0.972 / 0.958), at -1.0 it waits (0.979 / 0.951), at -1.5 little
//   more precision for more recall lost (0.981 / 0.947). The owner's own first tap is rescued by
//   their other campaigns, forms, or their known browser. First of two phones stays linked (0.92).
// - A form naming an email or phone that is not the recipient's, when they have one on record, is
//   the person at the keyboard saying who they are: it weighs as much as naming another contact
//   (-8), above any chain of taps (housemates who get every campaign forwarded: 627 → 577 wrong
//   page views, no owner's view lost in the plans).
// - A chat app's link preview on an SMS link means it was pasted into a chat: browsers opening it
//   after that are more likely the chat's members than the recipient.
// - A browser already linked to the recipient by other evidence (another campaign's tap, a form) is
//   decisive, and so is one that identified itself — as the recipient, or as someone else.
// - The same home network as a browser already the recipient's (a laptop next to the phone) is
//   real but weaker evidence: households share networks, and forwards go to family too.
// - Networks are what a browser keeps coming back to (ingest/sessions.ts: the one seen least
//   leaves first), so a phone handed a new carrier address every few minutes still has home; and
//   a browser seen on a network new to it has its taps, and its contacts' messages, weighed again,
//   so a laptop that opened the text before the phone was ever seen at home is found when it is
//   (adversarial recall 0.951 -> 0.952 alone; with the simulator's households on one network,
//   0.961).
// - A computer on the recipient's network opening the text after the recipient's own phone did,
//   before any chat preview, is their second device (besideRecipient): in the simulator's
//   adversarial plans owners' laptops outnumber housemates in that position about 7:1, and
//   taking it lifted recall 0.917 → 0.947 for 0.003 of precision. A second *phone* there is not.
// - After a chat preview the shared network is not counted: chats reach the household too, and
//   the housemate's browser is on the network as the owner's laptop is (ordinary plans' precision
//   0.993 → 0.996 when this was added).
// - The recipient's known browser opening the message at any time, not only before, accounts for
//   the recipient: a forward can reach others first (strangers glued: 556 → 366 page views).
// - The recipient's established phone (form, hand, or two campaigns — never a single forwarded
//   tap, so a glued stranger cannot count against the owner) in use before and after a tap makes
//   that tap's phone someone else's (recipientUsesAnother); a phone replaced by cleared cookies
//   or a new phone is not in use after its successor's tap, so it is not counted against.
// - The recipient's other phone, linked by a message it alone opened (no other browser, no chat
//   preview) and never on one network with this one, makes this phone someone else's when this
//   message was contested (opened by others too, or shared in a chat): the first of two phones on
//   a text forwarded before its owner opened it, or that its owner never opened, is then the
//   friend's. On an uncontested message it is not counted (a replaced phone never seen at home
//   with its successor looks the same), and sharing a network clears it (a new phone at home).
//   Adversarial precision 0.979 -> 0.984 (426 -> 322 wrong page views), recall unchanged; hard
//   0.994 -> 0.995, ordinary 0.996 -> 0.999; -3 instead of -2 changed no link.
// - WhatsApp (as Signal and iMessage) makes a link preview on the sharer's own phone, and its
//   fetcher names the platform (`WhatsApp/2.x A` Android, `… i` iPhone): the preview is the
//   sharer's network and phone. The first to share a text is nearly always the one who got it,
//   so a phone of that platform seen on that network is the recipient's (sharerPhone, +5) unless
//   a browser already theirs fits it (then a housemate's phone at home is not the sharer), and a
//   phone of the other platform is not the sharer's (-2) and competes with one that is as little
//   as a computer does. The simulator makes two in three previews this way (Telegram's come from
//   its servers). Adversarial 0.984 / 0.961 -> 0.985 / 0.968 (wrong page views 322 -> 314;
//   owners' phones missed 327 -> 214), hard 0.995 / 0.992 with 5 more found, ordinary unchanged.
//   Before the accounted-for sharer was added, +4 and +6 gave 0.984 / 0.967 and 0.985 / 0.969 and
//   +8 glued more housemates; -1 or -3 for the other platform moved no link; counting its phones
//   as full rivals: 8 more wrong page views, 8 fewer found.
// - The marketer's decisions are evidence too: a browser they confirmed on one message is the
//   recipient's known browser on their others, and one they rejected or removed is no rival on
//   its message (its place in the order stands: a known forward leaves the browsers after it as
//   doubtful as before). Each decision, and its undo, weighs those messages again
//   (stitching/manual.ts), as a replay of the journal with the decision in place does.
// - A browser inside another app (Instagram's, Facebook's or Messenger's, WhatsApp's, Telegram's)
//   is only reached by tapping a link inside that app: on an SMS or email link it came through a
//   post or a chat, not the recipient's own message (-3: a lone first phone 3.5 -> 0.5, waits; a
//   browser already known as theirs stays). It ranks and competes as a computer does. The simulator
//   has no in-app browsers, so this weight is reasoned, not measured, and moves none of its figures.
// The threshold (0.9) trades a little recall on ambiguous forwards for precision: an ambiguous
// link waits as tentative, and is promoted by itself when later evidence (a form, another campaign
// tapped on the same browser) settles it.
import { CHANNELS } from '../channels';
import type { Channel, DeviceType } from '../db/types';

export const LINK_THRESHOLD = 0.9;

export type EvidenceKind =
  | 'ownMessage'
  | 'firstBrowser'
  | 'laterBrowser'
  | 'otherBrowsers'
  | 'recipientBrowserToo'
  | 'besideRecipient'
  | 'recipientUsesAnother'
  | 'recipientOtherPhone'
  | 'deviceFits'
  | 'deviceMismatch'
  | 'soonAfterSend'
  | 'longAfterSend'
  | 'afterForeignPreview'
  | 'beforeForeignPreview'
  | 'sharerPhone'
  | 'inOtherApp'
  | 'notSharerPhone'
  | 'otherCampaigns'
  | 'knownBrowser'
  | 'sameNetwork'
  | 'identifiedAsRecipient'
  | 'identifiedAsOther'
  | 'identifiedAsUnknown';

export interface Evidence {
  kind: EvidenceKind;
  /** Log-odds added: positive for, negative against. */
  weight: number;
  /** The reason in words, for the profile: "the first browser to open it". */
  text: string;
}

export interface Assessment {
  confidence: number;
  evidence: Evidence[];
  trusted: boolean;
  /** Its place among the browsers that opened the message on a device the channel is read on (1 = first). */
  rank: number;
}

/** One browser's first presentation of one of the message's click tokens. */
export interface TapFact {
  visitorId: string;
  at: number;
  device: DeviceType;
}

export interface MessageFacts {
  channel: Channel;
  /** The recipient's first name or "the recipient", for the texts. */
  recipient: string;
  sentAt?: number;
  /** Each distinct browser's first tap, in time order. */
  taps: readonly TapFact[];
  /**
   * When a foreign link preview (a chat app unfurling an SMS link) was first seen, by whom, and
   * from which network (truncated IP).
   */
  foreignPreview?: { at: number; agent: string; network?: string };
  /**
   * The recipient's established browsers (linked by a form, by hand, or by their links from two
   * campaigns), apart from this message: the device class and when each was first and last seen.
   */
  recipientBrowsers?: readonly {
    visitorId: string;
    device: DeviceType;
    firstSeen: number;
    lastSeen: number;
  }[];
}

/** What is known about a browser apart from this message. */
export interface BrowserFacts {
  /** Linked to the recipient by other evidence: another campaign's tap, a form, by hand. */
  knownFor?: string;
  /**
   * It identified itself (form, identify): as the recipient, as another contact, or with an
   * identifier of a kind the recipient has on record but a different value (`unknown`).
   */
  identifiedAs?: 'recipient' | 'other' | 'unknown';
  /** The marketer said it is not the recipient's on this message (rejected, or removed by hand). */
  refused?: boolean;
  /** Linked to the recipient now, by this message's tap or other evidence. */
  linked?: boolean;
  /** It shares a network (truncated IP) with a browser already the recipient's. */
  sameNetwork?: boolean;
  /** Other campaigns' links of the same recipient it opened. */
  otherCampaigns?: number;
  /**
   * Another browser of the same device class is linked to the recipient by a message it alone
   * opened, and the two were never seen on one network.
   */
  recipientOtherPhone?: boolean;
  /** The app whose own in-app browser it is (`Instagram`, `WhatsApp`…), if it is one. */
  inApp?: string;
  /** The phone platform of its user agent. */
  platform?: Platform;
  /** It was seen on the network the message's chat preview came from. */
  onPreviewNetwork?: boolean;
  /**
   * Another browser already the recipient's (apart from this message) is of the platform the
   * preview names and was seen on its network: the sharer is accounted for.
   */
  sharerElsewhere?: boolean;
}

export type Platform = 'android' | 'ios';

/** What is known about every browser that opened the message, by visitor id. */
export type BrowsersFacts = ReadonlyMap<string, BrowserFacts>;

const HOUR = 3_600_000;
export const SOON_MS = 24 * HOUR;
export const LATE_MS = 72 * HOUR;

const W = {
  ownMessage: 1.0,
  firstBrowser: 1.5,
  laterBrowser: -1.0,
  perOtherBrowser: -1.0,
  deviceFits: 0.5,
  deviceMismatch: -1.5,
  deviceMismatchAlone: -0.5,
  soonAfterSend: 0.5,
  longAfterSend: -1.0,
  afterForeignPreview: -1.5,
  beforeForeignPreview: 1.0,
  sharerPhone: 5.0,
  notSharerPhone: -2.0,
  inOtherApp: -3.0,
  perOtherCampaign: 2.0,
  knownBrowser: 4.0,
  sameNetwork: 2.0,
  identifiedAsRecipient: 8.0,
  identifiedAsOther: -8.0,
  identifiedAsUnknown: -8.0,
  recipientBrowserToo: -1.5,
  besideRecipient: 1.5,
  recipientUsesAnother: -2.5,
  recipientOtherPhone: -2.0,
} as const;

/** A rival on a device the channel is not read on counts this much of one that fits. */
const MISFIT_RIVAL = 0.25;

const deviceNoun = (device: DeviceType): string => (device === 'mobile' ? 'phone' : device);

const ordinal = (n: number): string =>
  n === 2 ? 'second' : n === 3 ? 'third' : n === 4 ? 'fourth' : n === 5 ? 'fifth' : `${n}th`;

const duration = (ms: number): string => {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(ms / HOUR);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
};

/** Scores one browser's link to the recipient of a message. */
export function assessTap(message: MessageFacts, tap: TapFact, browsers: BrowsersFacts): Assessment {
  const browser = browsers.get(tap.visitorId) ?? {};
  const spec = CHANNELS[message.channel];
  const who = message.recipient;
  const evidence: Evidence[] = [
    { kind: 'ownMessage', weight: W.ownMessage, text: `opened ${who}'s own ${spec.name} link` },
  ];
  // Browsers of a kind the channel is not read on (a desktop on an SMS link) compete less: a
  // phone opening an SMS link after three desktops is still the first phone to open it.
  const fits = (t: TapFact) => t.device === 'unknown' || spec.readOn.includes(t.device);
  // A browser inside another app (Instagram's, WhatsApp's on an SMS link) was reached through that
  // app: it ranks and competes as little as a computer does on an SMS link.
  const elsewhere = (t: TapFact) => {
    const app = browsers.get(t.visitorId)?.inApp;
    return !!app && !spec.readIn.includes(app);
  };
  const ranked =
    fits(tap) && !elsewhere(tap) ? message.taps.filter((t) => fits(t) && !elsewhere(t)) : message.taps;
  const position = ranked.findIndex((t) => t.visitorId === tap.visitorId) + 1;
  const kind = fits(tap) && ranked.length < message.taps.length ? deviceNoun(tap.device) : 'browser';
  if (position <= 1) {
    evidence.push({ kind: 'firstBrowser', weight: W.firstBrowser, text: `the first ${kind} to open it` });
  } else {
    evidence.push({
      kind: 'laterBrowser',
      weight: W.laterBrowser,
      text: `the ${ordinal(position)} ${kind} to open it`,
    });
  }
  // Browsers that opened it after a chat previewed it are explained by that chat: they compete
  // only with each other, not with one that opened it before it was shared.
  const shared = message.foreignPreview?.at;
  const sameSide = (t: TapFact) => shared === undefined || t.at >= shared === tap.at >= shared;
  // A browser the marketer said is not the recipient's is no rival for being theirs (it still
  // opened the text before or after: its place in the order stands).
  const rivals = message.taps.filter(
    (t) => t.visitorId !== tap.visitorId && sameSide(t) && !browsers.get(t.visitorId)?.refused,
  );
  const isRecipients = (t: TapFact) => {
    const other = browsers.get(t.visitorId);
    return !!(other?.knownFor || other?.linked);
  };
  // A computer on the recipient's network opening the text after the recipient's own phone did,
  // before anyone shared it in a chat, is the recipient reading it again at their desk: a
  // housemate gets a link forwarded through a chat (which previews it) far more often than
  // copied by hand. A second *phone* there is not: people rarely carry two.
  const beside =
    !fits(tap) &&
    !browser.knownFor &&
    !!browser.sameNetwork &&
    (shared === undefined || tap.at < shared) &&
    rivals.some((t) => t.at <= tap.at && fits(t) && isRecipients(t));
  // When a browser already the recipient's opened it too, first or later, the recipient is
  // accounted for: a forward can reach others before the recipient gets to it.
  const recipientToo =
    !beside && !browser.knownFor && rivals.some((t) => browsers.get(t.visitorId)?.knownFor);
  const competing = beside
    ? rivals.filter((t) => !isRecipients(t))
    : recipientToo
      ? []
      : rivals.filter((t) => !browsers.get(t.visitorId)?.knownFor || t.at <= tap.at);
  // A phone of another platform than the one the link was shared from competes less with a phone
  // of the sharer's platform, as a computer does on an SMS link.
  const sharer = message.foreignPreview && previewPlatform(message.foreignPreview.agent);
  const notSharer = (t: TapFact) => {
    const platform = browsers.get(t.visitorId)?.platform;
    return !!sharer && browser.platform === sharer && !!platform && platform !== sharer;
  };
  const weightOf = (t: TapFact) => (fits(t) && !notSharer(t) && !elsewhere(t) ? 1 : MISFIT_RIVAL);
  const others = competing.length;
  if (others > 0) {
    evidence.push({
      kind: 'otherBrowsers',
      weight: W.perOtherBrowser * competing.reduce((sum, t) => sum + weightOf(t), 0),
      text: `${others} other browser${others === 1 ? '' : 's'} opened it too`,
    });
  }
  if (beside) {
    evidence.push({
      kind: 'besideRecipient',
      weight: W.besideRecipient,
      text: `a computer on the network of ${who}'s phone, opening it after that phone did and before it was shared in a chat`,
    });
  } else if (recipientToo) {
    evidence.push({
      kind: 'recipientBrowserToo',
      weight: W.recipientBrowserToo,
      text: `${who}'s own browser opened it too`,
    });
  }
  // A phone of the recipient's own, established, in use before and after this tap: this is a
  // second phone, and people rarely carry two. A phone replaced (cookies cleared, a new phone) is
  // not in use after its successor's first tap, so a replacement is not counted against.
  const ownPhone =
    fits(tap) && tap.device !== 'unknown' && !browser.knownFor
      ? message.recipientBrowsers?.find(
          (b) =>
            b.visitorId !== tap.visitorId &&
            b.device === tap.device &&
            b.firstSeen < tap.at &&
            b.lastSeen > tap.at,
        )
      : undefined;
  if (ownPhone) {
    evidence.push({
      kind: 'recipientUsesAnother',
      weight: W.recipientUsesAnother,
      text: `${who} used another ${deviceNoun(tap.device)} of their own before and after`,
    });
  }
  // The recipient opened another of their messages, alone, on a different phone that never shared
  // a network with this one: on a message that others opened too, or that was shared in a chat,
  // this phone is likelier one of theirs than the recipient's. On an unshared message it is not
  // counted: a phone replaced without ever being at home with its successor looks the same.
  const contested = rivals.length > 0 || shared !== undefined;
  if (!ownPhone && contested && fits(tap) && !browser.knownFor && browser.recipientOtherPhone) {
    evidence.push({
      kind: 'recipientOtherPhone',
      weight: W.recipientOtherPhone,
      text: `${who} opened another of their messages alone on a different ${deviceNoun(tap.device)}, never on this one's network`,
    });
  }
  if (browser.inApp && elsewhere(tap)) {
    evidence.push({
      kind: 'inOtherApp',
      weight: W.inOtherApp,
      text: `opened in ${browser.inApp}'s own browser: it came through ${browser.inApp}, not ${who}'s ${spec.name}`,
    });
  }
  if (tap.device !== 'unknown') {
    if (spec.readOn.includes(tap.device)) {
      evidence.push({ kind: 'deviceFits', weight: W.deviceFits, text: `a ${tap.device} browser` });
    } else {
      // Alone on the message it is weak evidence (texts are read on computers too: Messages on a
      // Mac, Phone Link); beside other browsers it marks the likelier stranger.
      evidence.push({
        kind: 'deviceMismatch',
        weight: message.taps.length > 1 ? W.deviceMismatch : W.deviceMismatchAlone,
        text: `a ${tap.device} browser on an ${spec.name} link`,
      });
    }
  }
  if (message.sentAt !== undefined) {
    const after = tap.at - message.sentAt;
    if (after <= SOON_MS) {
      evidence.push({
        kind: 'soonAfterSend',
        weight: W.soonAfterSend,
        text: `${duration(after)} after it was sent`,
      });
    } else if (after > LATE_MS) {
      evidence.push({
        kind: 'longAfterSend',
        weight: W.longAfterSend,
        text: `${duration(after)} after it was sent`,
      });
    }
  }
  if (message.foreignPreview) {
    const app = previewApp(message.foreignPreview.agent);
    evidence.push(
      message.foreignPreview.at <= tap.at
        ? {
            kind: 'afterForeignPreview',
            weight: W.afterForeignPreview,
            text: `after the link was previewed by ${app} (it was shared in a chat)`,
          }
        : {
            kind: 'beforeForeignPreview',
            weight: W.beforeForeignPreview,
            text: `before the link was shared in a chat (previewed by ${app})`,
          },
    );
  }
  // WhatsApp makes a preview on the sharer's own phone and names its platform: a phone of that
  // platform seen on the network the preview came from is the one that shared it, and the first
  // to share a text is the one who got it. A phone of the other platform is not the sharer's.
  if (sharer && browser.platform && fits(tap)) {
    if (browser.platform !== sharer) {
      evidence.push({
        kind: 'notSharerPhone',
        weight: W.notSharerPhone,
        text: `the link was shared in a chat from ${platformNoun(sharer)}, and this is ${platformNoun(browser.platform)}`,
      });
    } else if (browser.onPreviewNetwork && !sharerAccountedFor(message, tap, browsers, sharer)) {
      evidence.push({
        kind: 'sharerPhone',
        weight: W.sharerPhone,
        text: `the link was shared in a chat from ${platformNoun(sharer)} on this browser's network`,
      });
    }
  }
  if (browser.otherCampaigns) {
    const n = Math.min(browser.otherCampaigns, 2);
    evidence.push({
      kind: 'otherCampaigns',
      weight: W.perOtherCampaign * n,
      text: `it opened ${who}'s links from ${browser.otherCampaigns + 1} campaigns`,
    });
  }
  if (browser.knownFor) {
    evidence.push({
      kind: 'knownBrowser',
      weight: W.knownBrowser,
      text: `this browser was already linked to ${who} by ${browser.knownFor}`,
    });
  } else if (browser.sameNetwork && (shared === undefined || tap.at < shared)) {
    // Not once the link was shared in a chat: chats reach the recipient's household too, and a
    // housemate's browser shares the home network as the recipient's own laptop does.
    evidence.push({
      kind: 'sameNetwork',
      weight: W.sameNetwork,
      text: `on the same network as a browser of ${who}'s`,
    });
  }
  if (browser.identifiedAs === 'recipient') {
    evidence.push({
      kind: 'identifiedAsRecipient',
      weight: W.identifiedAsRecipient,
      text: `it later identified itself as ${who}`,
    });
  } else if (browser.identifiedAs === 'other') {
    evidence.push({
      kind: 'identifiedAsOther',
      weight: W.identifiedAsOther,
      text: 'it identified itself as another contact',
    });
  } else if (browser.identifiedAs === 'unknown') {
    evidence.push({
      kind: 'identifiedAsUnknown',
      weight: W.identifiedAsUnknown,
      text: `it submitted a form with details that are not ${who}'s`,
    });
  }
  const sum = evidence.reduce((total, e) => total + e.weight, 0);
  const confidence = 1 / (1 + Math.exp(-sum));
  return { confidence, evidence, trusted: confidence >= LINK_THRESHOLD, rank: position };
}

/**
 * Whether a browser of the recipient's own other than this one fits the sharer (the preview's
 * platform, seen on its network): then another phone on that network (a housemate's) is not it.
 */
function sharerAccountedFor(
  message: MessageFacts,
  tap: TapFact,
  browsers: BrowsersFacts,
  sharer: Platform,
): boolean {
  if (browsers.get(tap.visitorId)?.sharerElsewhere) return true;
  return message.taps.some((t) => {
    const other = browsers.get(t.visitorId);
    return (
      t.visitorId !== tap.visitorId &&
      other?.platform === sharer &&
      !!other.onPreviewNetwork &&
      (!!other.knownFor || (!!other.linked && t.at <= tap.at))
    );
  });
}

/**
 * The sharer's platform, where the preview names it: WhatsApp's fetcher sends `WhatsApp/2.x A`
 * from Android and `WhatsApp/2.x i` (or `/i`) from an iPhone; Signal's sends a bare `WhatsApp/2`.
 */
export function previewPlatform(agent: string): Platform | undefined {
  const code = /^WhatsApp\/[\d.]+[ /]([Ai])\b/.exec(agent)?.[1];
  return code === 'A' ? 'android' : code === 'i' ? 'ios' : undefined;
}

/** The platform of a browser's operating system (as the user-agent parser names it). */
export function platformOf(os: string | undefined): Platform | undefined {
  return os === 'Android' ? 'android' : os === 'iOS' ? 'ios' : undefined;
}

const platformNoun = (platform: Platform): string => (platform === 'ios' ? 'an iPhone' : 'an Android phone');

function previewApp(agent: string): string {
  const known = /whatsapp|telegram|slack|discord|skype|linkedin/i.exec(agent)?.[0];
  return known ? known[0]?.toUpperCase() + known.slice(1).toLowerCase() : 'a chat app';
}

/** "a desktop browser on an SMS link; the second browser to open it; …": the reasons against first. */
export function describeEvidence(evidence: readonly Evidence[]): string {
  const sorted = evidence.filter((e) => e.kind !== 'ownMessage').sort((a, b) => a.weight - b.weight);
  return sorted.map((e) => e.text).join('; ');
}
