// Workspace backup and restore over a store of 100,000 contacts and 1,000,000 events, main side:
// the rows go through the headless app's HTTP bridge in the chunks the renderer sends (backup.rows),
// main deflates, seals (scrypt + chunked AES-256-GCM) and writes the file; a second app on a fresh
// data folder takes the upload, verifies the whole file, hands every row back (restore.rows) and
// swaps its data folder. The renderer's Dexie reads and writes are not part of these figures.
// The limit, measured in the same run: the same bytes through AES-256-GCM in-process to disk and back.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../lib/headless.mjs';

const CONTACTS = Number(process.env.BENCH_BACKUP_CONTACTS ?? 100_000);
const EVENTS = Number(process.env.BENCH_BACKUP_EVENTS ?? 1_000_000);
/** Rows per backup.rows call: the renderer sends pages of 1,000 split under the 1 MB body limit. */
const CONTACTS_PER_CALL = 1000;
const EVENTS_PER_CALL = 1000;
const UPLOAD_PART = 512 * 1024;
const PASSPHRASE = 'bench passphrase, long enough';
const MB = 1024 * 1024;

function contactRow(i) {
  const first = `First${i % 997}`;
  const last = `Last${i}`;
  const phone = `+1201${String(5_550_000 + i).padStart(7, '0')}`;
  return {
    id: `c_${i.toString(36).padStart(8, '0')}`,
    firstName: first,
    lastName: last,
    email: `${first}.${last}@example.com`.toLowerCase(),
    phone,
    phoneType: 'MOBILE',
    tags: i % 3 ? ['newsletter'] : ['newsletter', 'vip'],
    lists: ['spring-2026'],
    consent: { sms: true, whatsapp: i % 2 === 0, email: true },
    custom: { city: `City ${i % 50}` },
    createdAt: 1_764_000_000_000 + i,
    updatedAt: 1_764_000_000_000 + i,
    stats: {
      lastSeen: 1_764_500_000_000 + i,
      pageViews: i % 40,
      sessions: i % 9,
      clicks: i % 3,
      messages: 1,
      forms: 0,
    },
    nameKey: `${first} ${last}`.toLowerCase(),
    lastNameKey: `${last} ${first}`.toLowerCase(),
    phoneTails: [phone.slice(1).split('').reverse().join('')],
  };
}

function eventRow(i) {
  const visitor = `v_${(i % 200_000).toString(36).padStart(8, '0')}`;
  return {
    id: `m-${i.toString(36).padStart(10, '0')}-bench`,
    offset: i,
    type: 'page',
    timestamp: 1_764_000_000_000 + i * 1000,
    receivedAt: 1_764_000_000_000 + i * 1000 + 40,
    source: 'tracker',
    siteId: 'site_bench',
    visitorId: visitor,
    sessionId: `${visitor}:${Math.floor(i / 20)}`,
    ...(i % 5 === 0 ? { contactId: `c_${(i % CONTACTS).toString(36).padStart(8, '0')}` } : {}),
    url: `https://shop.example/products/${i % 5000}?utm_source=sms`,
    path: `/products/${i % 5000}`,
    title: `Product ${i % 5000} — Shop`,
  };
}

function* chunks(count, perCall, make) {
  for (let start = 0; start < count; start += perCall) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + perCall); i++) rows.push(make(i));
    yield rows;
  }
}

/** AES-256-GCM over `bytes` bytes in 1 MiB chunks to a file with one fsync, then read back and opened. */
function rawFloor(bytes, dir) {
  const key = randomBytes(32);
  const plain = randomBytes(MB);
  const file = join(dir, 'floor.bin');
  const chunks = Math.ceil(bytes / MB);
  let t0 = performance.now();
  const fd = openSync(file, 'w');
  const tags = [];
  for (let i = 0; i < chunks; i++) {
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(i, 8);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    writeSync(fd, Buffer.concat([cipher.update(plain), cipher.final()]));
    tags.push(cipher.getAuthTag());
  }
  fsyncSync(fd);
  closeSync(fd);
  const writeS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const sealed = readFileSync(file);
  for (let i = 0; i < chunks; i++) {
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(i, 8);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tags[i]);
    decipher.update(sealed.subarray(i * MB, (i + 1) * MB));
    decipher.final();
  }
  const readS = (performance.now() - t0) / 1000;
  rmSync(file, { force: true });
  return { encryptWriteMbPerS: bytes / MB / writeS, readDecryptMbPerS: bytes / MB / readS };
}

export async function run() {
  const source = await startApp();
  const target = await startApp();
  const scratch = mkdtempSync(join(tmpdir(), 'stitchdesk-bench-backup-'));
  try {
    // Something in the data folder too: a site and a campaign's links.
    await source.call('sites.create', { name: 'Bench shop', origins: ['https://shop.example'] });
    await source.call('links.register', {
      campaignId: 'camp_bench',
      links: [{ linkId: 'l1', destination: 'https://shop.example/offer' }],
    });

    // ---- backup ----
    let rowBytes = 0;
    const t0 = performance.now();
    const { backupId } = await source.call('backup.begin', {
      target: 'file',
      passphrase: PASSPHRASE,
      storeSchemaVersion: 2,
      tables: ['contacts', 'events'],
    });
    const send = async (table, rows) => {
      rowBytes += Buffer.byteLength(JSON.stringify(rows));
      await source.call('backup.rows', { backupId, table, rows });
    };
    for (const rows of chunks(CONTACTS, CONTACTS_PER_CALL, contactRow)) await send('contacts', rows);
    for (const rows of chunks(EVENTS, EVENTS_PER_CALL, eventRow)) await send('events', rows);
    let finished = await source.call('backup.finish', { backupId });
    while (!finished.done) finished = await source.call('backup.finish', { backupId });
    const backupS = (performance.now() - t0) / 1000;
    const file = join(source.dataDir, 'backups', 'downloads', finished.fileName);
    const fileBytes = statSync(file).size;

    // ---- restore ----
    const t1 = performance.now();
    const bytes = readFileSync(file);
    const { restoreId } = await target.call('restore.begin', { bytes: bytes.length });
    for (let offset = 0; offset < bytes.length; offset += UPLOAD_PART) {
      await target.call('restore.upload', {
        restoreId,
        offset,
        data: bytes.subarray(offset, offset + UPLOAD_PART).toString('base64'),
      });
    }
    const uploadS = (performance.now() - t1) / 1000;
    let opened = await target.call('restore.open', { restoreId, passphrase: PASSPHRASE });
    while (!opened.summary) opened = await target.call('restore.open', { restoreId, passphrase: PASSPHRASE });
    const { summary } = opened;
    const verifyS = (performance.now() - t1) / 1000 - uploadS;
    let rowsBack = 0;
    for (;;) {
      const batch = await target.call('restore.rows', { restoreId });
      for (const frame of batch.frames) rowsBack += JSON.parse(frame.json).length;
      if (batch.done) break;
    }
    const rowsS = (performance.now() - t1) / 1000 - uploadS - verifyS;
    await target.call('restore.commit', { restoreId, replace: false });
    const restoreS = (performance.now() - t1) / 1000;
    if (rowsBack !== CONTACTS + EVENTS) throw new Error(`restore gave back ${rowsBack} rows`);
    const sites = await target.call('sites.list');
    if (sites.length !== 1) throw new Error('restore did not bring the site back');

    const floor = rawFloor(rowBytes, scratch);
    const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
    const backupMbPerS = rowBytes / MB / backupS;
    const restoreMbPerS = rowBytes / MB / restoreS;
    return {
      metrics: {
        'backup.mb_per_s': round(backupMbPerS, 1),
        'backup.ratio_vs_raw_aes_disk': round(backupMbPerS / floor.encryptWriteMbPerS),
        'restore.mb_per_s': round(restoreMbPerS, 1),
        'restore.ratio_vs_raw_aes_disk': round(restoreMbPerS / floor.readDecryptMbPerS),
      },
      details: {
        workload: `${CONTACTS.toLocaleString('en')} contacts and ${EVENTS.toLocaleString('en')} events as store rows (JSON), sent in calls of ${EVENTS_PER_CALL} rows over the headless HTTP bridge; MB/s counts those rows' JSON bytes`,
        measures:
          'main side only: backup = backup.begin → rows → finish (deflate, scrypt N=2^17, AES-256-GCM, data-folder files, fsync); restore = upload in 512 KiB base64 parts → restore.open (decrypt and verify all) → restore.rows (every row back) → restore.commit. Not the renderer reading or writing IndexedDB.',
        floor:
          'the same number of bytes through AES-256-GCM in 1 MiB chunks in-process: encrypt + write + fsync, then read + decrypt',
        rowMb: round(rowBytes / MB, 1),
        fileMb: round(fileBytes / MB, 1),
        backupS: round(backupS),
        restoreS: round(restoreS),
        restoreUploadS: round(uploadS),
        restoreVerifyS: round(verifyS),
        restoreRowsS: round(rowsS),
        restoreCommitS: round(restoreS - uploadS - verifyS - rowsS),
        restoredRows: summary.rows,
        floorEncryptWriteMbPerS: round(floor.encryptWriteMbPerS, 1),
        floorReadDecryptMbPerS: round(floor.readDecryptMbPerS, 1),
        sourceRssMb: source.peakRssMb(),
        targetRssMb: target.peakRssMb(),
      },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await source.stop();
    await target.stop();
  }
}
