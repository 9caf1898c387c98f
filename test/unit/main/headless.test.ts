// Headless mode as a newcomer runs it: the ready line, the app page, the token, clean shutdown.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateLinkSecret } from '../../../src-main/links/codes';
import { LinkRegistry } from '../../../src-main/links/registry';
import type { JournalReadResult } from '../../../src-main/shared/bridge';
import type { CollectorStatus } from '../../../src-main/shared/collector';
import { DAMAGED_SEGMENT, seedDamagedJournal } from '../../support/damaged-journal';
import { freshDataDir, type HeadlessApp, startHeadless } from '../../support/headless';
import { BROWSER_UA } from '../../support/services';

let running: HeadlessApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('headless mode', () => {
  it('prints one ready line with the URL, the app URL with its token and the data folder', async () => {
    const dataDir = freshDataDir();
    running = await startHeadless(['--port', '0', '--data-dir', dataDir]);
    const { ready } = running;
    expect(ready.event).toBe('ready');
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.app).toMatch(new RegExp(`^${ready.url}/app/#token=[A-Za-z0-9_-]{43}$`));
    expect(ready.dataDir).toBe(dataDir);

    const page = await fetch(`${ready.url}/app/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });

  it('refuses bridge calls without the token, with a wrong token and from another origin', async () => {
    running = await startHeadless();
    const call = `${running.ready.url}/bridge/call/app.info`;
    const post = (headers: Record<string, string>) =>
      fetch(call, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });

    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: 'Bearer wrong' })).status).toBe(401);
    const cross = await post({
      authorization: `Bearer ${running.token}`,
      origin: 'https://attacker.example',
    });
    expect(cross.status).toBe(403);
    expect(await cross.json()).toMatchObject({ error: 'forbidden_origin' });
    const crossSite = await post({
      authorization: `Bearer ${running.token}`,
      'sec-fetch-site': 'cross-site',
    });
    expect(crossSite.status).toBe(403);

    const ok = await post({ authorization: `Bearer ${running.token}` });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      result: { platform: 'headless', dataDir: running.ready.dataDir },
    });
  });

  it('answers an unknown channel and bad input with a JSON error naming the problem, and keeps serving', async () => {
    running = await startHeadless();
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${running.token}` };
    const unknown = await fetch(`${running.ready.url}/bridge/call/nope.nothing`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'unknown_channel' });

    const bad = await fetch(`${running.ready.url}/bridge/call/settings.update`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ args: { collector: { port: 'x' } } }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_input', field: 'collector.port' });

    const malformed = await fetch(`${running.ready.url}/bridge/call/settings.get`, {
      method: 'POST',
      headers,
      body: '{',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toHaveProperty('error');

    const still = await fetch(`${running.ready.url}/bridge/call/settings.get`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    expect(still.status).toBe(200);
  });

  it('shuts down cleanly on SIGTERM and on SIGINT', async () => {
    running = await startHeadless();
    expect(await running.stop('SIGTERM')).toBe(0);
    running = await startHeadless();
    expect(await running.stop('SIGINT')).toBe(0);
  });

  it('refuses a second app on the same data folder while the first runs, and takes it over after', async () => {
    const dataDir = freshDataDir();
    running = await startHeadless(['--port', '0', '--data-dir', dataDir]);
    await expect(startHeadless(['--port', '0', '--data-dir', dataDir])).rejects.toThrow(
      /Another Stitchdesk process \(pid \d+\) is using/,
    );
    await running.stop('SIGKILL');
    running = await startHeadless(['--port', '0', '--data-dir', dataDir]);
    expect(running.ready.dataDir).toBe(dataDir);
  });

  it('starts and serves /t.js and tracked links with a damaged older journal segment, and reports the damage', async () => {
    const dataDir = freshDataDir();
    await seedDamagedJournal(dataDir);
    const links = new LinkRegistry(dataDir, loadOrCreateLinkSecret(dataDir));
    links.register({ campaignId: 'c1', links: [{ linkId: 'main', destination: 'https://shop.example/' }] });
    const [link] = links.mint({ campaignId: 'c1', linkId: 'main', recipients: [0] }, 'http://unused');

    running = await startHeadless(['--port', '0', '--data-dir', dataDir]);
    const { url } = running.ready;
    expect((await fetch(`${url}/t.js`)).status).toBe(200);
    const tap = await fetch(`${url}/r/${link?.code}`, {
      redirect: 'manual',
      headers: { 'user-agent': BROWSER_UA },
    });
    expect(tap.status).toBe(302);
    // The journal takes new events: the tap got its click token.
    expect(tap.headers.get('location')).toMatch(/^https:\/\/shop\.example\/\?ps_ct=[A-Za-z0-9_-]{22}$/);

    const call = async <T>(channel: string, args?: unknown): Promise<T> => {
      const response = await fetch(`${url}/bridge/call/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${running?.token}` },
        body: JSON.stringify(args === undefined ? {} : { args }),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { result: T }).result;
    };
    const read = await call<JournalReadResult>('journal.read', { fromOffset: 0, limit: 100 });
    expect(read.records.map((record) => record.event.messageId)).toEqual([
      'm-0',
      ...Array.from({ length: 10 }, (_, i) => `m-${i + 2}`),
      expect.any(String), // the tap
    ]);
    const status = await call<CollectorStatus>('collector.status');
    expect(status.journal.damage).toEqual([
      expect.objectContaining({ segment: DAMAGED_SEGMENT, lostOffsets: { from: 1, to: 1 } }),
    ]);
    const quarantined = status.journal.damage?.[0]?.quarantineFile ?? '';
    expect(readFileSync(quarantined).includes('"m-X"')).toBe(true);
    expect(running.stderr()).toMatch(/damage in 00000000000000000000\.seg/);
  });

  it('fails with a clear message when an explicitly asked port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startHeadless(['--port', String(port)])).rejects.toThrow(/EADDRINUSE|in use/);
    } finally {
      blocker.close();
    }
  });
});
