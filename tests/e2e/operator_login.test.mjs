// Journey: an operator's first login and the access pages. Home and login pages are accessible
// at phone and desktop sizes; the first admin logs in with the one-time password printed at
// first start, enrols the second factor with a TOTP code computed here (node:crypto), sees the
// recovery codes once, is made to change the password and reaches the back office; the account
// and admin pages (operators, API keys, sessions) pass axe; a new operator created on the admin
// page logs in and enrols too; logging in again needs a fresh code; the 404 page is accessible.
// axe runs on every page visited and no page may break its Content-Security-Policy.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  atViewports,
  checkA11y,
  clickAndWaitForNavigation,
  launchBrowser,
  loginOperator,
  startServer,
  trackProblems,
  withScreenshot,
} from './lib.mjs';

const NEW_PASSWORD = 'Nuova-password-operatore-2024!';

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

async function visit(page, path, expectedStatus = 200) {
  const response = await page.goto(new URL(path, server.url).href);
  assert.ok(response, `no response for ${path}`);
  assert.equal(response.status(), expectedStatus, `${path}: status`);
  const csp = response.headers()['content-security-policy'] ?? '';
  assert.match(csp, /script-src[^;]*'self'/, `${path}: Content-Security-Policy missing`);
  assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/, `${path}: inline scripts allowed`);
  return response;
}

async function axeBothViewports(page, label) {
  await atViewports(page, (viewport) => checkA11y(page, `${label}-${viewport.name}`), label);
}

async function logOut(page) {
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Esci', exact: true }));
}

test('first operator login with 2FA enrolment, account and admin pages, logout, 404', async () => {
  const { user, password } = await server.credentials();
  assert.equal(user, 'admin');
  assert.ok(password.length >= 12, 'one-time password too short');

  const context = await browser.newContext({ locale: 'it-IT', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const watch = trackProblems(page);

  await withScreenshot(page, 'operator-login', async () => {
    await visit(page, '/');
    await axeBothViewports(page, 'home');

    await visit(page, '/backoffice/login');
    await axeBothViewports(page, 'backoffice-login');

    // Password, then 2FA enrolment (QR as inline SVG, the secret in text), the recovery codes,
    // then the forced password change: every step's page passes axe.
    const seen = [];
    const secret = await loginOperator(page, server.url, {
      username: user,
      password,
      newPassword: NEW_PASSWORD,
      onPage: async (label) => {
        seen.push(label);
        if (label === '2fa-enrol') {
          const qr = page.locator('svg[role="img"][aria-label]');
          assert.equal(await qr.count(), 1, 'one QR code drawn as inline SVG');
          assert.ok((await qr.locator('path').count()) >= 1);
        }
        await axeBothViewports(page, `backoffice-${label}`);
      },
    });
    assert.deepEqual(seen, ['2fa-enrol', '2fa-recovery', 'password']);
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(new URL(page.url()).pathname, /^\/backoffice\/?$/);

    await visit(page, '/backoffice/account');
    await page.getByRole('heading', { name: 'Il mio account' }).waitFor();
    await checkA11y(page, 'backoffice-account');

    // Admin pages: create an operator (its one-time password is shown once) and an API key.
    await visit(page, '/backoffice/admin/operators');
    await checkA11y(page, 'admin-operators');
    await page.locator('#new-username').fill('giulia.e2e');
    await page.locator('#new-role').selectOption('analyst');
    await clickAndWaitForNavigation(page, page.locator('form[action="/backoffice/admin/operators"] [type="submit"]'));
    const created = await page.locator('#created-operator code').innerText();
    const operatorPassword = created.match(/password: (\S+)/)?.[1];
    assert.ok(operatorPassword, `no one-time password in: ${created}`);
    await checkA11y(page, 'admin-operators-created');

    await visit(page, '/backoffice/admin/apikeys');
    await checkA11y(page, 'admin-apikeys');
    await page.locator('#key-name').fill('bank-e2e');
    await page.locator('label[for="scope-reports:write"]').click();
    await clickAndWaitForNavigation(page, page.locator('form[action="/backoffice/admin/apikeys"] [type="submit"]'));
    assert.match(await page.locator('#created-key code').innerText(), /^key: sgn_[A-Za-z0-9_-]{43}$/);
    await checkA11y(page, 'admin-apikeys-created');

    await visit(page, '/backoffice/admin/sessions');
    await page.getByRole('cell', { name: /^admin/ }).first().waitFor();
    await checkA11y(page, 'admin-sessions');

    // Log out (a POST form with an "Esci" button); the back office then asks to log in again.
    await logOut(page);
    await page.goto(new URL('/backoffice', server.url).href);
    await page.locator('[name="username"]').waitFor();

    // The one-time password no longer works; the new one does, with a fresh code this time.
    await visit(page, '/backoffice/login');
    await page.locator('[name="username"]').fill(user);
    await page.locator('[name="password"]').fill(password);
    await clickAndWaitForNavigation(page, page.locator('form:has([name="password"]) [type="submit"]'));
    assert.match(new URL(page.url()).pathname, /^\/backoffice\/login/);
    const codeSteps = [];
    await loginOperator(page, server.url, {
      username: user,
      password: NEW_PASSWORD,
      totpSecret: secret,
      onPage: async (label) => {
        codeSteps.push(label);
        await axeBothViewports(page, `backoffice-${label}`);
      },
    });
    assert.deepEqual(codeSteps, ['2fa-code']);
    assert.match(new URL(page.url()).pathname, /^\/backoffice\/?$/);
    await logOut(page);

    // The operator created on the admin page enrols on their first login.
    const operatorSecret = await loginOperator(page, server.url, {
      username: 'giulia.e2e',
      password: operatorPassword,
      newPassword: 'Password-di-giulia-e2e-2024',
    });
    assert.notEqual(operatorSecret, secret);
    assert.match(new URL(page.url()).pathname, /^\/backoffice\/?$/);
    // An analyst is refused the admin pages.
    await visit(page, '/backoffice/admin/operators', 403);
    await checkA11y(page, 'admin-forbidden');
    await visit(page, '/backoffice/account');
    await logOut(page);

    await visit(page, '/questa-pagina-non-esiste', 404);
    await axeBothViewports(page, 'not-found');
  });

  watch.assertClean('operator login journey');
  await context.close();
});
