// The Twilio Messaging API adapter: `POST {baseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json`,
// form-encoded, HTTP Basic auth; WhatsApp addresses are `whatsapp:+E164`, templates ContentSid + ContentVariables.
import type { MessagingChannel, OutgoingMessage } from '../shared/messaging';
import {
  type AttemptOutcome,
  LOGIN_REFUSED,
  type MessagingProvider,
  parseRetryAfter,
  type StatusAnswer,
} from './provider';

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  smsFrom?: string;
  whatsappFrom?: string;
  messagingServiceSid?: string;
  baseUrl: string;
}

export const TWILIO_DEFAULT_BASE_URL = 'https://api.twilio.com';
const REQUEST_TIMEOUT_MS = 30_000;

interface TwilioMessage {
  sid?: unknown;
  status?: unknown;
  error_code?: unknown;
  error_message?: unknown;
}
interface TwilioError {
  code?: unknown;
  message?: unknown;
  status?: unknown;
}

export class TwilioProvider implements MessagingProvider {
  readonly name = 'Twilio';

  constructor(
    private readonly config: TwilioConfig,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** The form Twilio expects for one message. */
  formFor(message: OutgoingMessage, channel: MessagingChannel): URLSearchParams {
    const address = (number: string) => (channel === 'whatsapp' ? `whatsapp:${number}` : number);
    const form = new URLSearchParams();
    form.set('To', address(message.to));
    const from = channel === 'whatsapp' ? this.config.whatsappFrom : this.config.smsFrom;
    if (this.config.messagingServiceSid) form.set('MessagingServiceSid', this.config.messagingServiceSid);
    else if (from) form.set('From', address(from));
    if (message.template) {
      form.set('ContentSid', message.template.contentSid);
      form.set('ContentVariables', JSON.stringify(message.template.variables));
    } else {
      form.set('Body', message.body ?? '');
    }
    return form;
  }

  private get accountUrl(): string {
    const base = this.config.baseUrl.replace(/\/+$/, '');
    return `${base}/2010-04-01/Accounts/${encodeURIComponent(this.config.accountSid)}`;
  }

  private get authorization(): string {
    return `Basic ${Buffer.from(`${this.config.accountSid}:${this.config.authToken}`).toString('base64')}`;
  }

  /** `GET Messages/{sid}.json`: the message's status and, when it failed, Twilio's error code. */
  async status(providerId: string): Promise<StatusAnswer> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.accountUrl}/Messages/${encodeURIComponent(providerId)}.json`, {
        headers: { authorization: this.authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      return { kind: 'retry', error: `Network error: ${(error as Error).message}` };
    }
    const body = (await readJson(response)) as TwilioMessage & TwilioError;
    if (response.status === 200 && typeof body.status === 'string') {
      const answer: StatusAnswer = { kind: 'status', status: body.status };
      if (typeof body.error_code === 'number') answer.errorCode = body.error_code;
      if (typeof body.error_message === 'string') answer.errorMessage = body.error_message;
      return answer;
    }
    const detail = `${typeof body.code === 'number' ? `Twilio ${body.code}: ` : `HTTP ${response.status}: `}${
      typeof body.message === 'string' ? body.message : response.statusText
    }`;
    if (response.status === 429 || response.status >= 500 || response.status === 200) {
      const retry: StatusAnswer = { kind: 'retry', error: detail };
      const after = parseRetryAfter(response.headers.get('retry-after'));
      if (after !== undefined) retry.retryAfterMs = after;
      return retry;
    }
    return { kind: 'gone', error: detail };
  }

  async attempt(message: OutgoingMessage, channel: MessagingChannel): Promise<AttemptOutcome> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.accountUrl}/Messages.json`, {
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: this.formFor(message, channel).toString(),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      // The form may have reached Twilio before the connection failed: a retry could send it twice.
      return { kind: 'retry', error: `Network error: ${(error as Error).message}`, ambiguous: true };
    }
    const body = await readJson(response);
    if (response.status === 201 || response.status === 200) {
      const sent = body as TwilioMessage;
      if (typeof sent.sid === 'string') {
        return {
          kind: 'sent',
          providerId: sent.sid,
          status: typeof sent.status === 'string' ? sent.status : 'queued',
        };
      }
      return { kind: 'failed', error: 'Twilio answered without a message sid' };
    }
    const error = body as TwilioError;
    const detail = `${typeof error.code === 'number' ? `Twilio ${error.code}: ` : `HTTP ${response.status}: `}${
      typeof error.message === 'string' ? error.message : response.statusText
    }`;
    if (response.status === 429 || response.status >= 500) {
      const retry: AttemptOutcome = { kind: 'retry', error: detail };
      const after = parseRetryAfter(response.headers.get('retry-after'));
      if (after !== undefined) retry.retryAfterMs = after;
      return retry;
    }
    if (response.status === 401) {
      return {
        kind: 'failed',
        error: `Twilio refused the account SID or auth token (${detail})`,
        status: LOGIN_REFUSED,
      };
    }
    return { kind: 'failed', error: detail, status: 'failed' };
  }
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return {};
  }
}
