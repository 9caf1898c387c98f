// Settings survive restarts, reject bad values with the field named, and keep defaults for the rest.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsStore } from '../../../src-main/settings/store';

const freshDir = () => mkdtempSync(join(tmpdir(), 'stitchdesk-settings-'));

describe('settings', () => {
  it('a new data folder starts with the defaults: collector on 127.0.0.1:7420, K=3, whole-history lookback', () => {
    const settings = new SettingsStore(freshDir()).get();
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(settings.collector).toMatchObject({ host: '127.0.0.1', port: 7420 });
    expect(settings.stitching.forwardThreshold).toBe(3);
    expect(settings.stitching.lookback).toBe('all');
  });

  it('a saved change is there after a restart', () => {
    const dir = freshDir();
    new SettingsStore(dir).update({ stitching: { lookback: 'click' } });
    const reopened = new SettingsStore(dir).get();
    expect(reopened.stitching.lookback).toBe('click');
    expect(reopened.stitching.forwardThreshold).toBe(3);
  });

  it('an invalid value is refused, names the field, and changes nothing', () => {
    const dir = freshDir();
    const store = new SettingsStore(dir);
    expect(() => store.update({ links: { baseUrl: 'javascript:alert(1)' } })).toThrow(/baseUrl/);
    expect(() => store.update({ collector: { port: 70000 } })).toThrow(/port/);
    // A click token lives between an hour and a month.
    expect(() => store.update({ stitching: { clickTokenTtlHours: 0 } })).toThrow(/clickTokenTtlHours/);
    expect(() => store.update({ stitching: { clickTokenTtlHours: 24 * 365 } })).toThrow(/clickTokenTtlHours/);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('archived journal events are kept unless an expiry of whole days is chosen; older settings files get none', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ journal: { retentionHours: 24 } }));
    const store = new SettingsStore(dir);
    expect(store.get().journal).toEqual({ retentionHours: 24, archiveExpiryDays: null });
    expect(store.update({ journal: { archiveExpiryDays: 90 } }).journal.archiveExpiryDays).toBe(90);
    expect(() => store.update({ journal: { archiveExpiryDays: 0 } })).toThrow(/archiveExpiryDays/);
    expect(() => store.update({ journal: { archiveExpiryDays: 1.5 } })).toThrow(/archiveExpiryDays/);
    expect(new SettingsStore(dir).get().journal.archiveExpiryDays).toBe(90);
    expect(store.update({ journal: { archiveExpiryDays: null } }).journal.archiveExpiryDays).toBeNull();
  });

  it('keys the app does not know are refused rather than stored', () => {
    const store = new SettingsStore(freshDir());
    const hostile = JSON.parse('{"stitching":{"__proto__":{"polluted":true}}}');
    expect(() => store.update(hostile)).toThrow(/__proto__|Unrecognized/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => store.update({ extra: 1 } as never)).toThrow();
  });

  it('a settings file from an older version keeps its values and gains the new defaults', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ collector: { port: 8000 } }));
    const settings = new SettingsStore(dir).get();
    expect(settings.collector).toMatchObject({ host: '127.0.0.1', port: 8000 });
    expect(settings.links.clickTokenParam).toBe('ps_ct');
    expect(settings.stitching.clickTokenTtlHours).toBe(24);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual({
      collector: { port: 8000 },
    });
  });
});
