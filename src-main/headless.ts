// Headless mode: the main-process services without Electron, with the built renderer and the
// HTTP bridge on the collector's server. `npm run serve -- --port <p> --data-dir <dir>`.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBridgeToken, registerAppRoutes } from './http/bridge-routes';
import { createServices } from './services';
import { createDataFolderLogger, stderrLogger } from './util/log';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string', default: './.stitchdesk-data' },
      host: { type: 'string' },
    },
    strict: true,
  });
  const dataDir = resolve(values['data-dir']);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new Error(`--port must be an integer from 0 to 65535, got ${values.port}`);
  }
  const rendererDir = resolve(__dirname, '../renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`The renderer is not built (${rendererDir}); run "npm run build:app" first`);
  }

  const log = createDataFolderLogger(dataDir);
  const services = await createServices({
    dataDir,
    platform: 'headless',
    log,
    trackerFile: resolve(__dirname, '../tracker/t.js'),
  });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info(`${signal} received, shutting down`);
    void services.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error(`shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const token = createBridgeToken();
  registerAppRoutes(services, { rendererDir, token });
  // An explicit --port is a promise to the caller: fail rather than move to another port.
  await services.start({
    ...(port !== undefined ? { port, strictPort: true } : { port: services.settings.get().collector.port }),
    ...(values.host ? { host: values.host } : {}),
  });

  const url = services.collector.baseUrl;
  log.info(`started: ${url}, data folder ${dataDir}, logs in ${log.file}`);
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', url, app: `${url}/app/#token=${token}`, dataDir })}\n`,
  );
}

main().catch((error: unknown) => {
  stderrLogger.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
