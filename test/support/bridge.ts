// Calls the headless app's bridge from a test, as the app page does (same token, no Origin).
import type { APIRequestContext } from '@playwright/test';
import type { BridgeArgs, BridgeChannel, BridgeResult } from '../../src-main/shared/bridge';
import { appUrl } from './app';

export async function bridgeCall<K extends BridgeChannel>(
  request: APIRequestContext,
  channel: K,
  args: BridgeArgs<K>,
): Promise<BridgeResult<K>> {
  const url = new URL(appUrl());
  const token = url.hash.replace('#token=', '');
  const response = await request.post(`${url.origin}/bridge/call/${channel}`, {
    headers: { authorization: `Bearer ${token}` },
    data: args === undefined ? {} : { args },
  });
  const body = (await response.json()) as { result: BridgeResult<K> };
  if (!response.ok()) throw new Error(`${channel} failed: ${JSON.stringify(body)}`);
  return body.result;
}
