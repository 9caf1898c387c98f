// Which tracked-link bases a phone can open: loopback and private-network addresses are flagged,
// public domains and addresses are not.
import { describe, expect, it } from 'vitest';
import { linkBaseReach } from '../../../src-main/links/reach';

describe('linkBaseReach', () => {
  it.each([
    ['http://127.0.0.1:7420', 'loopback'],
    ['http://localhost:7420', 'loopback'],
    ['http://[::1]:7420', 'loopback'],
    ['http://0.0.0.0:7420', 'loopback'],
    ['http://192.168.1.20:7420', 'private'],
    ['http://10.0.0.5', 'private'],
    ['http://172.20.3.4', 'private'],
    ['http://mylaptop.local:7420', 'private'],
    ['http://office-pc:7420', 'private'],
    ['https://go.example.com', 'public'],
    ['https://abc123.trycloudflare.com', 'public'],
    ['http://172.32.0.1', 'public'],
    ['not a url', 'invalid'],
  ])('%s is %s', (base, reach) => {
    expect(linkBaseReach(base)).toBe(reach);
  });
});
