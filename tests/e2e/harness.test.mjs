// Self-test of the harness: Chromium launches here, axe finds real violations and passes clean
// pages under a strict CSP, CSP violations are caught, and our static assets and Bootstrap
// Italia load under the product's Content-Security-Policy without errors.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { atViewports, checkA11y, launchBrowser, repoRoot, trackProblems } from './lib.mjs';

// The Content-Security-Policy that Bootstrap Italia 2.18's bundle needs, and no more: its
// video.js part injects two <style> elements (allowed by hash: the empty one and the
// .vjs-youtube rules) and its CSS embeds a data: font. These hashes change only when
// bootstrap-italia is upgraded; this test then names the new ones.
export const BOOTSTRAP_ITALIA_STYLE_HASHES = [
  "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
  "'sha256-wPXhisdsFu1DtHYH1D9W5isSGqS5vIPn6QJWSNLqfCM='",
];
const CSP =
  "default-src 'self'; script-src 'self'; " +
  `style-src 'self' ${BOOTSTRAP_ITALIA_STYLE_HASHES.join(' ')}; img-src 'self' data:; ` +
  "font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const head = (title) => `<!doctype html>
<html lang="it"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/static/vendor/bootstrap-italia/css/bootstrap-italia.min.css">
<link rel="stylesheet" href="/static/css/segnala.css">
<script src="/static/vendor/bootstrap-italia/js/bootstrap-italia.bundle.min.js" defer></script>
<script src="/static/js/segnala.js" defer></script>
</head>`;

const PAGES = {
  '/good': `${head('Ricevuta')}<body>
<header><a class="visually-hidden-focusable" href="#main">Vai al contenuto</a></header>
<main id="main" class="container my-4">
  <h1>Segnalazione ricevuta</h1>
  <p>Il codice della tua segnalazione:</p>
  <p><span id="code" class="segnala-code">K7QM-4XPR-9DHT-W2FBE</span>
  <button type="button" class="btn btn-outline-primary segnala-copy" hidden
    data-copy-target="code" data-copied-text="Copiato">Copia il codice</button>
  <span class="visually-hidden" role="status" aria-live="polite" data-copy-status></span></p>
  <form method="post" action="/good">
    <div class="form-group"><label for="q">Codice</label>
    <input id="q" name="q" type="text" class="form-control"></div>
    <button type="submit" class="btn btn-primary">Cerca</button>
  </form>
</main></body></html>`,
  '/bad': `<!doctype html><html><head><title>Bad</title></head><body>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text" name="x">
<p style="color:#ddd;background:#fff">faint</p></body></html>`,
  '/inline': `<!doctype html><html lang="it"><head><title>Inline</title></head><body>
<main><h1>Inline</h1></main><script>document.title = 'ran';</script></body></html>`,
};

const STATIC_ROOTS = [
  ['/static/vendor/bootstrap-italia/', path.join(repoRoot, 'web/node_modules/bootstrap-italia/dist')],
  ['/static/', path.join(repoRoot, 'web/static')],
];
const TYPES = { '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2', '.woff': 'font/woff' };

let server;
let base;
let browser;

async function serve(req, res) {
  const url = new URL(req.url, 'http://x');
  const headers = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' };
  if (PAGES[url.pathname] !== undefined) {
    res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
    res.end(PAGES[url.pathname]);
    return;
  }
  for (const [prefix, dir] of STATIC_ROOTS) {
    if (url.pathname.startsWith(prefix)) {
      const file = path.normalize(path.join(dir, url.pathname.slice(prefix.length)));
      if (file.startsWith(dir + path.sep)) {
        try {
          const body = await readFile(file);
          res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
          res.end(body);
          return;
        } catch {
          // fall through to 404
        }
      }
    }
  }
  res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
  res.end('not found');
}

before(async () => {
  server = http.createServer((req, res) => {
    serve(req, res).catch(() => res.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

test('Chromium launches and axe passes an accessible page at both viewports', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const watch = trackProblems(page);
  await page.goto(`${base}/good`);
  const seen = [];
  await atViewports(page, async (viewport) => {
    assert.equal(page.viewportSize().width, viewport.width);
    seen.push(viewport.name);
    await checkA11y(page, `harness-good-${viewport.name}`);
  }, 'harness-good');
  assert.deepEqual(seen, ['mobile', 'desktop']);
  // segnala.css declares Bootstrap Italia's fonts with paths relative to /static/css/.
  const fontLoaded = await page.evaluate(async () => {
    await document.fonts.load('16px "Titillium Web"');
    return document.fonts.check('16px "Titillium Web"');
  });
  assert.ok(fontLoaded, 'Titillium Web did not load from /static/vendor/bootstrap-italia/fonts');
  watch.assertClean('harness good page');
  await context.close();
});

test('axe reports violations with their ids', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/bad`);
  await assert.rejects(checkA11y(page, 'harness-bad'), (err) => {
    const ids = err.violations.map((v) => v.id);
    assert.ok(ids.includes('image-alt'), ids.join(','));
    assert.ok(ids.includes('label'), ids.join(','));
    assert.ok(ids.includes('html-has-lang'), ids.join(','));
    assert.match(err.message, /image-alt \[critical\]/);
    return true;
  });
  await context.close();
});

test('an inline script is refused by the CSP and reported', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const watch = trackProblems(page);
  await page.goto(`${base}/inline`);
  assert.equal(await page.title(), 'Inline');
  await page.waitForTimeout(100);
  assert.ok(watch.problems.some((p) => p.startsWith('CSP:')), watch.problems.join('\n'));
  assert.throws(() => watch.assertClean('inline'));
  await context.close();
});

test('segnala.js enhances the copy button under the CSP', async () => {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  const watch = trackProblems(page);
  await page.goto(`${base}/good`);
  const button = page.getByRole('button', { name: 'Copia il codice' });
  await button.waitFor({ state: 'visible' });
  await button.click();
  await page.getByRole('button', { name: 'Copiato' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'K7QM-4XPR-9DHT-W2FBE');
  await page.getByRole('status').filter({ hasText: 'Copiato' }).waitFor();
  watch.assertClean('copy button');
  await context.close();
});
