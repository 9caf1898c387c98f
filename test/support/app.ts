// Where the headless app under test is: Playwright's webServer exports its ready line's app URL.
export function appUrl(): string {
  const url = process.env.STITCHDESK_APP_URL;
  if (!url) throw new Error('STITCHDESK_APP_URL is not set: run the E2E tests through `playwright test`');
  return url;
}
