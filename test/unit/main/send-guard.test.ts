// Sends with links no phone can open are refused in the main process, whoever calls the bridge: a
// tracked link at the default loopback base, a private-network link whatever the base, an email's
// unsubscribe URL, a WhatsApp template's tracked button (only its code is in the message). Messages
// without links still go, and a public base lets the same messages through.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callBridge } from '../../../src-main/ipc/handlers';
import type { BridgeArgs, BridgeChannel, BridgeResult } from '../../../src-main/shared/bridge';
import { startTestServices, type TestServices } from '../../support/services';

let app: TestServices;
beforeEach(async () => {
  app = await startTestServices();
});
afterEach(async () => {
  await app.close();
});

const call = <K extends BridgeChannel>(channel: K, args: BridgeArgs<K>) =>
  callBridge(app.services.handlers, channel, args) as Promise<BridgeResult<K>>;

/** A schedule a day ahead: accepted messages wait in the outbox, nothing goes to a provider. */
const submitSms = (campaignId: string, body: string) =>
  call('outbox.submit', {
    campaignId,
    channel: 'sms',
    sendAt: Date.now() + 86_400_000,
    quietHours: null,
    messages: [{ messageId: `${campaignId}:0`, to: '+12015551000', body }],
  });

const refused = (origin: string, where: string) => ({
  status: 409,
  body: {
    error: 'link_unreachable',
    detail: expect.stringContaining(`the messages link to ${origin}, ${where}`),
  },
});

describe('the send guard', () => {
  it('refuses an SMS whose tracked link is at the loopback base, and takes it once the base is public', async () => {
    await expect(submitSms('a', `Sale: ${app.url}/r/AbCdEfGh12345678`)).rejects.toMatchObject(
      refused(app.url, 'an address of this computer'),
    );
    await expect(call('outbox.status', { campaignId: 'a' })).resolves.toBeNull();
    await expect(submitSms('a', `Sale: ${app.url}/r/AbCdEfGh12345678`)).rejects.toMatchObject({
      body: { detail: expect.stringContaining('Settings → Collector and links') },
    });

    await call('settings.update', { links: { baseUrl: 'https://go.example.com' } });
    await expect(call('links.base', undefined)).resolves.toEqual({
      url: 'https://go.example.com',
      reach: 'public',
    });
    await expect(submitSms('a', 'Sale: https://go.example.com/r/AbCdEfGh12345678')).resolves.toMatchObject({
      accepted: 1,
    });
  });

  it('lets a message without links go on the loopback base', async () => {
    await expect(call('links.base', undefined)).resolves.toEqual({ url: app.url, reach: 'loopback' });
    await expect(submitSms('b', 'The shop opens at 9 tomorrow.')).resolves.toMatchObject({ accepted: 1 });
  });

  it('refuses a private-network link even with a public base', async () => {
    await call('settings.update', { links: { baseUrl: 'https://go.example.com' } });
    await expect(submitSms('c', 'Menu: http://192.168.1.20/menu')).rejects.toMatchObject(
      refused('http://192.168.1.20', 'an address of your local network'),
    );
  });

  it('refuses an email whose unsubscribe URL is at the loopback base, on the direct (test) send too', async () => {
    const message = {
      messageId: 'e:0',
      to: 'ana@example.com',
      email: {
        subject: 'Spring',
        html: '<p>Hello</p>',
        text: 'Hello',
        unsubscribeUrl: `${app.url}/u/preview`,
      },
    };
    await expect(
      call('messaging.send', { campaignId: 'e', channel: 'email', messages: [message] }),
    ).rejects.toMatchObject(refused(app.url, 'an address of this computer'));
    await expect(
      call('outbox.submit', {
        campaignId: 'e',
        channel: 'email',
        sendAt: Date.now(),
        quietHours: null,
        messages: [message],
      }),
    ).rejects.toMatchObject(refused(app.url, 'an address of this computer'));
  });

  it("refuses a WhatsApp template whose button carries one of the campaign's codes while the base is loopback", async () => {
    await call('links.register', {
      campaignId: 'w',
      links: [{ linkId: 'button', destination: 'https://shop.example.com/spring' }],
    });
    const [minted] = await call('links.mint', { campaignId: 'w', linkId: 'button', recipients: [0] });
    const code = minted?.code ?? '';
    const submit = (campaignId: string) =>
      call('outbox.submit', {
        campaignId,
        channel: 'whatsapp',
        sendAt: Date.now() + 86_400_000,
        quietHours: null,
        messages: [
          {
            messageId: `${campaignId}:0`,
            to: '+12015551000',
            template: { contentSid: `HX${'a'.repeat(32)}`, variables: { '1': 'Ana', '2': code } },
          },
        ],
      });
    await expect(submit('w')).rejects.toMatchObject(refused(app.url, 'an address of this computer'));
    // The same text as a variable of another campaign is no link of that campaign's button.
    await expect(submit('other')).resolves.toMatchObject({ accepted: 1 });
    await call('settings.update', { links: { baseUrl: 'https://go.example.com' } });
    await expect(submit('w')).resolves.toMatchObject({ accepted: 1 });
  });
});
