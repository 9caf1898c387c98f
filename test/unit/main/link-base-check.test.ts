// links.checkBase: a base that forwards /r/ to this collector is confirmed (a one-time nonce went out
// and came back), while a server that is not this collector, a closed port or a bad URL each get a
// plain reason — through the bridge handler the UI calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callBridge } from '../../../src-main/ipc/handlers';
import type { LinkBaseCheck } from '../../../src-main/shared/links';
import { type ForwardingProxy, startForwardingProxy } from '../../support/forwarding-proxy';
import { startTestServices, type TestServices } from '../../support/services';

let app: TestServices;
let proxy: ForwardingProxy;
let stranger: ForwardingProxy;

beforeAll(async () => {
  app = await startTestServices();
  proxy = await startForwardingProxy(app.url);
  stranger = await startForwardingProxy(null);
});
afterAll(async () => {
  await proxy.close();
  await stranger.close();
  await app.close();
});

const check = async (baseUrl: string) =>
  (await callBridge(app.services.handlers, 'links.checkBase', { baseUrl })) as LinkBaseCheck;

describe('links.checkBase', () => {
  it('confirms a base that forwards /r/ to this collector', async () => {
    const result = await check(`${proxy.origin}/`);
    expect(result).toEqual({
      baseUrl: proxy.origin,
      // The stand-in listens on this computer: it reaches the collector, yet no phone reaches it.
      reach: 'loopback',
      reachesCollector: true,
      status: 200,
      detail: `${proxy.origin}/r/ reaches this collector`,
    });
    expect(proxy.forwarded.some((path) => path.startsWith('/r/_check/'))).toBe(true);
  });

  it("the collector's own address reaches it too", async () => {
    expect((await check(app.url)).reachesCollector).toBe(true);
  });

  it('a server that is not this collector is named as such', async () => {
    const result = await check(stranger.origin);
    expect(result.reachesCollector).toBe(false);
    expect(result.detail).toBe(
      `${stranger.origin}/r/ answered HTTP 404, but not as this collector: check that it forwards /r/ to this app's collector`,
    );
  });

  it('a closed port and a bad URL get their reasons', async () => {
    const closed = await startForwardingProxy(null);
    await closed.close();
    expect((await check(closed.origin)).detail).toBe(
      `${closed.origin} cannot be reached: nothing listens there (connection refused)`,
    );
    expect((await check('ftp://example.com')).detail).toBe(
      'The link base must start with http:// or https://',
    );
    expect((await check('not a url')).detail).toBe('not a url is not a URL');
  });

  it('a used or made-up nonce is answered like any unknown link', async () => {
    const response = await fetch(`${app.url}/r/_check/made-up`);
    expect(response.status).toBe(404);
  });

  it('refuses a call without a base URL with a 400 naming the field', async () => {
    await expect(callBridge(app.services.handlers, 'links.checkBase', {})).rejects.toMatchObject({
      status: 400,
      body: { error: 'invalid_input', field: 'baseUrl' },
    });
  });
});
