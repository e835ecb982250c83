// Journey: a day in the back office. A citizen files a phishing report (JavaScript off, so no
// proof of work is waited for) and keeps the code; the first administrator enrols the second
// factor with a TOTP code computed here, changes the one-time password, finds the new case in
// the queue with the search box, opens it and confirms it; the citizen's status page then says
// "Confermata". axe-core finds nothing on any back-office page at 1280x800, no page breaks its
// Content-Security-Policy, and `segnala audit verify` accepts the chain afterwards.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  checkA11y,
  clickAndWaitForNavigation,
  launchBrowser,
  loginOperator,
  segnalaBinary,
  startServer,
  trackProblems,
  withScreenshot,
} from './lib.mjs';

const REPORTED_URL = 'https://conferma-pagamento.example-truffa.com/verifica?pratica=77';
const CODE_RE = /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{5}$/;

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

async function visit(page, target, expectedStatus = 200) {
  const response = await page.goto(new URL(target, server.url).href);
  assert.ok(response, `no response for ${target}`);
  assert.equal(response.status(), expectedStatus, `${target}: status`);
  const csp = response.headers()['content-security-policy'] ?? '';
  assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/, `${target}: inline scripts allowed`);
  return response;
}

async function desktopA11y(page, label) {
  await page.setViewportSize({ width: 1280, height: 800 });
  await checkA11y(page, `${label}-desktop`);
  // SEGNALA_SCREENSHOTS=docs/screenshots refreshes the README's pictures of these pages.
  const dir = process.env.SEGNALA_SCREENSHOTS;
  if (dir && ['queue', 'case-confirmed', 'dashboard', '2fa-enrol'].includes(label)) {
    await page.screenshot({ path: path.join(dir, `backoffice-${label}.png`) });
  }
}

test('an operator enrols 2FA, finds a fresh report in the queue and confirms it', async () => {
  // 1. The citizen reports, without JavaScript.
  const citizen = await browser.newContext({ locale: 'it-IT', javaScriptEnabled: false });
  const reporterPage = await citizen.newPage();
  await visit(reporterPage, '/segnala');
  await reporterPage.locator('label[for="category-phishing"]').click();
  await reporterPage.locator('#urls').fill(REPORTED_URL);
  await reporterPage.locator('#description').fill('Mi chiedono di pagare una pratica inesistente');
  await clickAndWaitForNavigation(reporterPage, reporterPage.getByRole('button', { name: 'Invia la segnalazione' }));
  const code = (await reporterPage.locator('#receipt-code').textContent()).trim();
  assert.match(code, CODE_RE);

  // 2. The first administrator logs in: password, second factor (enrolment), new password.
  const { user, password } = await server.credentials();
  const office = await browser.newContext({ locale: 'it-IT', viewport: { width: 1280, height: 800 } });
  const page = await office.newPage();
  const watch = trackProblems(page);
  await withScreenshot(page, 'triage', async () => {
    await loginOperator(page, server.url, {
      username: user,
      password,
      newPassword: 'Una passphrase nuova per il triage 2026',
      onPage: (label) => desktopA11y(page, label),
    });
    assert.match(new URL(page.url()).pathname, /^\/backoffice\/?$/);
    await desktopA11y(page, 'queue');

    // 3. The queue's search finds the case by a word of its URL.
    await page.locator('#f-q').fill('example-truffa');
    await clickAndWaitForNavigation(page, page.locator('form:has(#f-q) [type="submit"]'));
    const rows = page.locator('tbody tr');
    assert.equal(await rows.count(), 1, 'the search finds exactly the new case');
    assert.match(await rows.first().textContent(), /example-truffa/);
    await desktopA11y(page, 'queue-search');
    await clickAndWaitForNavigation(page, rows.first().locator('a[href^="/backoffice/cases/"]'));
    assert.match(new URL(page.url()).pathname, /^\/backoffice\/cases\/\d+$/);
    // The reported address is shown defanged, never as a link.
    assert.equal(await page.locator(`a[href*="example-truffa"]`).count(), 0);
    await desktopA11y(page, 'case');

    // 4. Confirm.
    await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Conferma', exact: true }));
    assert.match(new URL(page.url()).pathname, /^\/backoffice\/cases\/\d+$/);
    assert.match(await page.locator('main').textContent(), /Confermat/);
    await desktopA11y(page, 'case-confirmed');

    // 5. Every other back-office page an administrator can reach is accessible too.
    for (const [target, label] of [
      ['/backoffice/account', 'account'],
      ['/backoffice/dashboard', 'dashboard'],
      ['/backoffice/audit', 'audit'],
      ['/backoffice/overdue', 'overdue'],
      ['/backoffice/wellbeing', 'wellbeing'],
      ['/backoffice/admin/operators', 'admin-operators'],
      ['/backoffice/admin/apikeys', 'admin-apikeys'],
      ['/backoffice/admin/sessions', 'admin-sessions'],
    ]) {
      await visit(page, target);
      await desktopA11y(page, label);
    }
  });
  watch.assertClean('triage journey');

  // 6. The citizen's status page follows the case.
  await visit(reporterPage, `/stato?codice=${encodeURIComponent(code)}`);
  assert.equal((await reporterPage.locator('#status-value').textContent()).trim(), 'Confermata');
  await citizen.close();
  await office.close();

  // 7. The audit chain still verifies after all this work.
  const out = execFileSync(segnalaBinary(), ['audit', 'verify', '--database', `sqlite:${path.join(server.dataDir, 'db')}`], {
    encoding: 'utf8',
  });
  assert.match(out, /ok/i);
});
