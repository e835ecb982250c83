// Journeys: a newcomer reports a phishing site in Italian and a fake shop in English with
// JavaScript on (the real ALTCHA widget solves the proof of work), and a phishing site with
// JavaScript off; each reads the code on the receipt and checks the status page. axe runs at
// phone and desktop sizes on every page of the flow (form, form with errors, receipt, status)
// and no page may break its Content-Security-Policy.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';

import {
  atViewports,
  checkA11y,
  checkA11yWithoutScripts,
  clickAndWaitForNavigation,
  launchBrowser,
  startServer,
  trackProblems,
  withScreenshot,
} from './lib.mjs';

const CODE_RE = /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{5}$/;
const PHISHING_URL = 'https://poste-verifica.example-login.com/conto?id=42';

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

/** Runs one SQL query on the server's SQLite database (read-only use). */
function sql(query) {
  return execFileSync('sqlite3', [path.join(server.dataDir, 'db'), query], { encoding: 'utf8' }).trim();
}

async function visit(page, target, expectedStatus = 200) {
  const response = await page.goto(new URL(target, server.url).href);
  assert.ok(response, `no response for ${target}`);
  assert.equal(response.status(), expectedStatus, `${target}: status`);
  return response;
}

async function axeBothViewports(page, label, { scripts = true } = {}) {
  const check = scripts ? checkA11y : checkA11yWithoutScripts;
  await atViewports(page, (viewport) => check(page, `${label}-${viewport.name}`), label);
}

/** Submits the reporting form and waits for the next page; returns its HTTP status. */
async function submitReport(page, buttonName) {
  const response = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/segnala',
  );
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: buttonName }));
  return (await response).status();
}

/** Waits until the ALTCHA widget has solved the proof of work and filled its field. */
async function waitForAltcha(page) {
  await page.waitForFunction(
    () => {
      const field = document.querySelector('form.segnala-report-form input[name="altcha"]');
      return field && field.value.length > 20;
    },
    null,
    { timeout: 60000 },
  );
}

async function chooseCategory(page, value) {
  await page.locator(`label[for="category-${value}"]`).click();
  assert.ok(await page.locator(`#category-${value}`).isChecked(), `${value} not chosen`);
}

/** Reads the code on the receipt page and checks its shape. */
async function readReceiptCode(page) {
  assert.match(new URL(page.url()).pathname, /^\/segnala\/ricevuta$/);
  const code = (await page.locator('#receipt-code').textContent()).trim();
  assert.match(code, CODE_RE);
  return code;
}

/** A small valid PNG (a 4x4 red square), built here. */
function tinyPng() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(4, 0);
  ihdr.writeUInt32BE(4, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < 4; y++) rows.push(Buffer.from([0, ...Array(4).fill([200, 30, 30]).flat()]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('Italian, JavaScript on: a phishing report with the proof of work, errors first', async () => {
  const context = await browser.newContext({ locale: 'it-IT' });
  const page = await context.newPage();
  const watch = trackProblems(page);

  await withScreenshot(page, 'report-it-js', async () => {
    await visit(page, '/');
    await axeBothViewports(page, 'report-it-home');
    await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Fai una segnalazione' }));
    assert.equal(new URL(page.url()).pathname, '/segnala');
    await page.locator('altcha-widget').waitFor();
    await axeBothViewports(page, 'report-it-form');

    // Sent empty: the summary lists the problems, links to the fields and takes the focus.
    assert.equal(await submitReport(page, 'Invia la segnalazione'), 422);
    const summary = page.locator('#error-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), /Scegli una categoria/);
    assert.match(await summary.textContent(), /Scrivi almeno un indirizzo/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary');
    assert.equal(await page.locator('#urls').getAttribute('aria-invalid'), 'true');
    await axeBothViewports(page, 'report-it-form-errors');

    // A bad address on line 2 is named by its line; what was typed stays.
    await chooseCategory(page, 'phishing');
    await page.locator('#urls').fill(`${PHISHING_URL}\nnon è un indirizzo`);
    await page.locator('#description').fill('SMS ricevuto stamattina');
    await waitForAltcha(page);
    assert.equal(await submitReport(page, 'Invia la segnalazione'), 422);
    assert.match(await page.locator('#urls-error').textContent(), /Riga 2:/);
    assert.equal(await page.locator('#description').inputValue(), 'SMS ricevuto stamattina');
    assert.ok(await page.locator('#category-phishing').isChecked());

    await page.locator('#urls').fill(PHISHING_URL);
    await page.locator('#sender').fill('+39 351 000 1234');
    await page.locator('#subject').fill('Il tuo conto è sospeso');
    await page.locator('#text').fill('Gentile cliente, verifica i tuoi dati entro 24 ore');
    await waitForAltcha(page);
    assert.equal(await submitReport(page, 'Invia la segnalazione'), 303);

    const code = await readReceiptCode(page);
    assert.doesNotMatch(await page.locator('main').textContent(), /già segnalato/);
    await axeBothViewports(page, 'report-it-receipt');
    // A reload shows the same receipt and sends nothing again.
    await page.reload();
    assert.equal(await readReceiptCode(page), code);
    assert.equal(sql('SELECT COUNT(*) FROM reports'), '1');
    assert.equal(sql('SELECT verified FROM reports'), '1');

    await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Controlla lo stato della segnalazione' }));
    assert.equal(await page.locator('#status-value').textContent(), 'Ricevuta');
    assert.match(await page.locator('main').textContent(), /dal \d{2}\/\d{2}\/\d{4}/);
    await axeBothViewports(page, 'report-it-status');
  });

  watch.assertClean('Italian report journey');
  await context.close();
});

test('English, JavaScript on: a fake-shop report with a screenshot', async () => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  const watch = trackProblems(page);

  await withScreenshot(page, 'report-en-js', async () => {
    await visit(page, '/segnala');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    // The form says how long what is given is kept, and links to the notice that says more.
    const note = await page.locator('main').innerText();
    assert.match(note, /your contact is erased after 180 days/);
    assert.match(note, /the screenshots after 730 days/);
    await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Read the privacy notice' }));
    assert.equal(new URL(page.url()).pathname, '/privacy');
    assert.match(await page.locator('main').innerText(),
                 /the contact details are erased after 180 days/);
    await axeBothViewports(page, 'report-en-privacy');
    await visit(page, '/segnala');
    await page.locator('altcha-widget').waitFor();

    // With JavaScript the upload disappears while the CSAM category is chosen.
    await chooseCategory(page, 'csam');
    assert.equal(await page.locator('#upload-group').isVisible(), false);
    assert.ok(await page.locator('#attachments').isDisabled());
    await chooseCategory(page, 'fraud');
    assert.ok(await page.locator('#upload-group').isVisible());

    await page.locator('#urls').fill('https://cheap-phones.example-shop.net/offer\n\nhttps://pay.example-shop.net/checkout');
    await page.locator('#description').fill('Paid 300 euros, nothing arrived, the site no longer answers.');
    await page.locator('#contact').fill('reporter@example.org');
    await page.locator('#attachments').setInputFiles({ name: 'order.png', mimeType: 'image/png', buffer: tinyPng() });
    await waitForAltcha(page);
    assert.equal(await submitReport(page, 'Send the report'), 303);

    const code = await readReceiptCode(page);
    assert.match(await page.locator('main').textContent(), /What happens next/);
    await axeBothViewports(page, 'report-en-receipt');
    assert.equal(sql(`SELECT COUNT(*) FROM attachments`), '1');

    // The status page, typed by hand in lower case with spaces.
    await visit(page, '/stato');
    await axeBothViewports(page, 'report-en-status-form');
    await page.locator('#codice').fill(code.toLowerCase().replaceAll('-', ' '));
    await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Check', exact: true }));
    assert.equal(await page.locator('#status-value').textContent(), 'Received');
    assert.match(await page.locator('main').textContent(), /since \d{1,2} [A-Z][a-z]{2} \d{4}/);
    await axeBothViewports(page, 'report-en-status');

    // An unknown code: the same plain answer as a mistyped one.
    await page.locator('#codice').fill('ABCD-EFGH-JKMN-PQRST');
    await clickAndWaitForNavigation(page, page.getByRole('button', { name: 'Check', exact: true }));
    assert.match(await page.locator('#status-not-found').textContent(), /No report matches this code/);
    await axeBothViewports(page, 'report-en-status-not-found');
  });

  watch.assertClean('English report journey');
  await context.close();
});

test('Italian, JavaScript off: the form still works, the site was already reported', async () => {
  const context = await browser.newContext({ locale: 'it-IT', javaScriptEnabled: false });
  const page = await context.newPage();
  const watch = trackProblems(page);

  await withScreenshot(page, 'report-it-nojs', async () => {
    await visit(page, '/segnala');
    await axeBothViewports(page, 'report-nojs-form', { scripts: false });
    // Without JavaScript the upload stays, and a file with the CSAM category is refused.
    await chooseCategory(page, 'csam');
    await page.locator('#urls').fill('http://abuse.example-host.net/gallery');
    await page.locator('#attachments').setInputFiles({ name: 'x.png', mimeType: 'image/png', buffer: tinyPng() });
    assert.equal(await submitReport(page, 'Invia la segnalazione'), 422);
    assert.match(await page.locator('#attachments-error').textContent(), /non si allegano file/);
    await axeBothViewports(page, 'report-nojs-form-errors', { scripts: false });

    await chooseCategory(page, 'phishing');
    await page.locator('#urls').fill(PHISHING_URL);
    assert.equal(await submitReport(page, 'Invia la segnalazione'), 303);
    const code = await readReceiptCode(page);
    assert.match(await page.locator('main').textContent(), /già segnalato 1 volta dal \d{2}\/\d{2}\/\d{4}/);
    await axeBothViewports(page, 'report-nojs-receipt', { scripts: false });
    assert.equal(sql(`SELECT verified FROM reports ORDER BY id DESC LIMIT 1`), '0');

    await clickAndWaitForNavigation(page, page.getByRole('link', { name: 'Controlla lo stato della segnalazione' }));
    assert.equal(await page.locator('#status-value').textContent(), 'Ricevuta');
    assert.equal(await page.locator('#codice').inputValue(), code);
    await axeBothViewports(page, 'report-nojs-status', { scripts: false });
  });

  watch.assertClean('report journey without JavaScript');
  await context.close();
});
