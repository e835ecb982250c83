// Journey: a supervisor's oversight pages. A supervisor added with `segnala user add` logs in
// (one-time password, second factor enrolled with a TOTP code computed by the test, forced
// password change: lib.mjs loginOperator); two reports arrive through the partner API; the
// statistics page draws its uPlot chart on a canvas under the real Content-Security-Policy
// and, like the audit log (filtered and verified), has zero axe violations at 1280x800 — with
// scripts and, for the dashboard, without them too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  checkA11y,
  checkA11yWithoutScripts,
  clickAndWaitForNavigation,
  launchBrowser,
  loginOperator,
  segnalaBinary,
  startServer,
  trackProblems,
  withScreenshot,
} from './lib.mjs';

const NEW_PASSWORD = 'Password-supervisore-statistiche-2026!';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function visit(page, url, expectedStatus = 200) {
  const response = await page.goto(new URL(url, server.url).href);
  assert.ok(response, `no response for ${url}`);
  assert.equal(response.status(), expectedStatus, `${url}: status`);
  return response;
}

/** A supervisor created with `segnala user add`, as an administrator would; returns its login. */
function addSupervisor(username) {
  const add = spawnSync(segnalaBinary(),
    ['user', 'add', username, '--role', 'supervisor', '--database', database()],
    { encoding: 'utf8', env: { ...process.env, SEGNALA_DATA_DIR: server.dataDir } });
  assert.equal(add.status, 0, add.stdout + add.stderr);
  const password = add.stdout.match(/password: (\S+)/)?.[1];
  assert.ok(password, `no password in: ${add.stdout}`);
  return { username, password, newPassword: NEW_PASSWORD };
}

function database() {
  return `sqlite:${path.join(server.dataDir, 'db')}`;
}

function fileReportsThroughTheApi() {
  const add = spawnSync(segnalaBinary(),
    ['apikey', 'add', 'e2e-oversight', '--scope', 'reports:write', '--database', database()],
    { encoding: 'utf8' });
  assert.equal(add.status, 0, add.stdout + add.stderr);
  const key = add.stdout.match(/(^|\n)key: (sgn_[A-Za-z0-9_-]{43})\n/)?.[2];
  assert.ok(key, `no key in: ${add.stdout}`);
  return Promise.all(
    [
      { category: 'phishing', urls: ['https://login.bank-e2e.example/verify'] },
      { category: 'fraud', urls: ['https://shop-e2e.example/<script>alert(1)</script>'] },
    ].map(async (body) => {
      const r = await fetch(new URL('/api/v1/reports', server.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.ok(r.status >= 200 && r.status < 300, `report: ${r.status} ${await r.text()}`);
    }),
  );
}

test('supervisor statistics and audit log: chart drawn, accessible, CSV downloads', async () => {
  await fileReportsThroughTheApi();
  const context = await browser.newContext({ locale: 'it-IT', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const watch = trackProblems(page);

  await withScreenshot(page, 'oversight', async () => {
    await loginOperator(page, server.url, addSupervisor('sara'));
    assert.match(new URL(page.url()).pathname, /^\/backoffice\/?$/);

    // Statistics: the chart is a drawn canvas, the table holds the same numbers.
    const response = await visit(page, '/backoffice/dashboard');
    assert.doesNotMatch(response.headers()['content-security-policy'] ?? '', /unsafe-inline/);
    await page.locator('#daily-chart[data-drawn="1"] canvas').first().waitFor({ timeout: 10000 });
    const drawn = await page.evaluate(() => {
      const canvas = document.querySelector('#daily-chart canvas');
      if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted += 1;
      return painted;
    });
    assert.ok(drawn > 500, `the chart canvas looks empty (${drawn} painted pixels)`);
    const lastRow = page.locator('#daily-table tbody tr').last();
    assert.equal(await lastRow.locator('td').last().innerText(), '2');
    await checkA11y(page, 'dashboard-desktop');
    await checkA11yWithoutScripts(page, 'dashboard-no-js-desktop');

    // A CSV download is an attachment.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a[href="/backoffice/dashboard/daily.csv"]').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'segnala-daily.csv');

    // The audit log: the dashboard views above are there, newest first; filters and the chain.
    await visit(page, '/backoffice/audit');
    await checkA11y(page, 'audit-desktop');
    assert.ok(await page.locator('#audit-table td code', { hasText: 'dashboard.view' }).count() >= 1);
    await page.locator('#f-action').fill('dashboard.');
    await clickAndWaitForNavigation(page, page.locator('form[action="/backoffice/audit"] [type="submit"]'));
    assert.ok(await page.locator('#audit-table tbody tr').count() >= 1);
    await clickAndWaitForNavigation(page, page.locator('a[href^="/backoffice/audit?verify=1"]'));
    await page.locator('#audit-chain.alert-success').waitFor();
    await checkA11y(page, 'audit-verified-desktop');

    // Bad filters: a message in Italian, linked to its field, still accessible.
    await visit(page, '/backoffice/audit?from=2026-02-30', 422);
    await page.locator('#audit-errors a[href="#f-from"]').waitFor();
    await checkA11y(page, 'audit-errors-desktop');
  });

  watch.assertClean('oversight journey');
  await context.close();
});
