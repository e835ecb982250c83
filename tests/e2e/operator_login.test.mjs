// Journey: an operator's first login. Home and login pages are accessible at phone and desktop
// sizes; the first admin logs in with the one-time password printed at first start, is made to
// change it, reaches the back office, logs out; the 404 page is accessible too. axe runs on
// every page visited and no page may break its Content-Security-Policy.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  atViewports,
  checkA11y,
  clickAndWaitForNavigation,
  launchBrowser,
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

async function logIn(page, username, password) {
  await visit(page, '/backoffice/login');
  await page.locator('[name="username"]').fill(username);
  await page.locator('[name="password"]').fill(password);
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Accedi' }));
}

test('first operator login, forced password change, logout, 404', async () => {
  const { user, password } = await server.credentials();
  assert.equal(user, 'admin');
  assert.ok(password.length >= 12, 'one-time password too short');

  const context = await browser.newContext({ locale: 'it-IT' });
  const page = await context.newPage();
  const watch = trackProblems(page);

  await withScreenshot(page, 'operator-login', async () => {
    await visit(page, '/');
    await axeBothViewports(page, 'home');

    await visit(page, '/backoffice/login');
    await axeBothViewports(page, 'backoffice-login');

    // The first login with the printed one-time password must lead to the password change.
    await logIn(page, user, password);
    assert.match(new URL(page.url()).pathname, /^\/backoffice\/password$/);
    await axeBothViewports(page, 'backoffice-password');
    await page.locator('[name="current_password"]').fill(password);
    await page.locator('[name="new_password"]').fill(NEW_PASSWORD);
    await page.locator('[name="confirm_password"]').fill(NEW_PASSWORD);
    await clickAndWaitForNavigation(page, page.locator('form:has([name="new_password"]) [type="submit"]'));

    // The back-office home.
    assert.match(new URL(page.url()).pathname, /^\/backoffice\/?$/);
    await axeBothViewports(page, 'backoffice-home');

    // Log out (a POST form with an "Esci" button); the back office then asks to log in again.
    await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Esci', exact: true }));
    await page.goto(new URL('/backoffice', server.url).href);
    await page.locator('[name="username"]').waitFor();

    // The one-time password no longer works; the new one does, without another change.
    await logIn(page, user, password);
    assert.match(new URL(page.url()).pathname, /^\/backoffice\/login/);
    await logIn(page, user, NEW_PASSWORD);
    assert.match(new URL(page.url()).pathname, /^\/backoffice\/?$/);
    await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Esci', exact: true }));

    await visit(page, '/questa-pagina-non-esiste', 404);
    await axeBothViewports(page, 'not-found');
  });

  watch.assertClean('operator login journey');
  await context.close();
});
