// No message leaves with a link a recipient's phone cannot open: before the outbox or a direct send
// takes messages, every URL in them (texts, email parts, the unsubscribe URL, a WhatsApp template's
// tracked button) must be on a public host. Enforced here, so no renderer or bridge caller skips it.
import type { LinkBaseReach } from '../shared/links';
import type { MessagingChannel, OutgoingMessage } from '../shared/messaging';
import { linkBaseReach } from './reach';

/** The send was refused: `url` is the first link found that no phone can open. */
export class UnreachableLinkError extends Error {
  constructor(
    readonly url: string,
    readonly reach: Exclude<LinkBaseReach, 'public'>,
  ) {
    const where =
      reach === 'loopback'
        ? 'an address of this computer'
        : reach === 'private'
          ? 'an address of your local network'
          : 'not a valid address';
    super(
      `Not sent: the messages link to ${originOf(url)}, ${where}, which no recipient's phone can open. ` +
        'Set a public link base in Settings → Collector and links (your own domain or a tunnel to the ' +
        'collector) and prepare again; the send file can still be exported for a test.',
    );
  }
}

export interface SendGuardDeps {
  /** The tracked-link base now in force (the setting, else the collector's own address). */
  linkBase: string;
  /** The campaign a link code was minted for, or null for anything that is not one of our codes. */
  campaignOfCode: (code: string) => string | null;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>()\\]+/gi;

/** Throws UnreachableLinkError when any message carries a link on a loopback or private host. */
export function assertLinksReachable(
  request: { campaignId: string; channel: MessagingChannel; messages: readonly OutgoingMessage[] },
  deps: SendGuardDeps,
): void {
  for (const message of request.messages) {
    for (const url of linksOf(request, message, deps)) {
      const reach = linkBaseReach(url);
      if (reach !== 'public') throw new UnreachableLinkError(url, reach);
    }
  }
}

function linksOf(
  request: { campaignId: string; channel: MessagingChannel },
  message: OutgoingMessage,
  deps: SendGuardDeps,
): string[] {
  const texts = [message.body ?? ''];
  if (message.email) texts.push(message.email.html, message.email.text, message.email.unsubscribeUrl);
  const urls = texts.flatMap((text) => text.match(URL_IN_TEXT) ?? []);
  // A template's URL button is registered as `<link base>/r/{{n}}`: the message holds only the
  // code, so a variable that is one of this campaign's codes stands for a link at the current base.
  for (const value of Object.values(message.template?.variables ?? {})) {
    if (deps.campaignOfCode(value) === request.campaignId) {
      urls.push(`${deps.linkBase.replace(/\/+$/, '')}/r/${value}`);
    }
  }
  return urls;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url.slice(0, 80);
  }
}
