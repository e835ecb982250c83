// Browser-test harness for Segnala: playwright-core driving Debian's Chromium, axe-core on
// every page, screenshots on failure, and the real `segnala serve` on an ephemeral port.
// Packages resolve from web/node_modules (run `npm ci` in web/ first; tests/e2e/run does).
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
const webRequire = createRequire(path.join(repoRoot, 'web', 'package.json'));
const { chromium } = webRequire('playwright-core');
const axeSource = readFileSync(webRequire.resolve('axe-core/axe.min.js'), 'utf8');

export const artifactsDir = path.join(here, 'artifacts');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const VIEWPORTS = [
  { name: 'mobile', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
];
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Launches headless Chromium. Playwright gives every launch a fresh temporary profile
 * (user-data dir) and deletes it on close; no network beyond what the page asks for.
 */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

function slug(label) {
  return String(label).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100);
}

/** Saves a full-page screenshot into tests/e2e/artifacts/<label>.png; returns its path. */
export async function screenshot(page, label) {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${slug(label)}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true });
  } catch (err) {
    return `(no screenshot: ${err.message})`;
  }
  return file;
}

/** Runs fn(); on failure saves a screenshot named after label and rethrows. */
export async function withScreenshot(page, label, fn) {
  try {
    return await fn();
  } catch (err) {
    const file = await screenshot(page, `FAIL-${label}`);
    err.message += `\n  screenshot: ${file}${serverLogs()}`;
    throw err;
  }
}

/** Servers started by startServer and not yet stopped, for the logs of a failure. */
const runningServers = new Set();

/** The last lines each running server printed (its access log included), for a failure. */
function serverLogs() {
  return [...runningServers].map((s) => `\n  server ${s.url}:${s.describe()}`).join('');
}

/**
 * Runs axe-core on the page (WCAG 2.0/2.1 A and AA) and throws unless there is ZERO violation.
 * axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy
 * does not block, so pages are tested under their real CSP (no bypassCSP).
 */
export async function checkA11y(page, label) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) {
    await page.evaluate(axeSource);
  }
  const results = await page.evaluate(
    (tags) =>
      window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      }),
    AXE_TAGS,
  );
  const violations = results.violations;
  if (violations.length === 0) {
    return;
  }
  const lines = [`axe: ${violations.length} accessibility violation(s) on ${label} (${page.url()})`];
  for (const v of violations) {
    lines.push(`- ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes) {
      lines.push(`    at ${JSON.stringify(node.target)}: ${node.failureSummary?.replace(/\n/g, ' ')}`);
    }
  }
  const file = await screenshot(page, `A11Y-${label}`);
  lines.push(`  screenshot: ${file}`);
  const err = new Error(lines.join('\n'));
  err.violations = violations;
  throw err;
}

/**
 * checkA11y for a page whose context has JavaScript disabled, where axe cannot run (its
 * timers never fire): the page's current DOM is served again, at the same URL and viewport,
 * to a fresh JavaScript-enabled page whose own scripts are all blocked, so axe sees exactly
 * what a visitor without JavaScript sees (stylesheets and fonts load from the server as usual).
 */
export async function checkA11yWithoutScripts(page, label) {
  const html = await page.content();
  const url = page.url();
  const context = await page.context().browser().newContext({ viewport: page.viewportSize() });
  try {
    const probe = await context.newPage();
    await probe.route('**/*', (route) => {
      const request = route.request();
      if (request.resourceType() === 'document' && request.url() === url) {
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      }
      if (request.resourceType() === 'script') {
        return route.abort();
      }
      return route.continue();
    });
    await probe.goto(url);
    await checkA11y(probe, label);
  } finally {
    await context.close();
  }
}

/**
 * Calls fn(viewport) at a phone size (390x844) and a desktop size (1280x800), in that order;
 * a failure at either keeps a screenshot named after label and the viewport.
 */
export async function atViewports(page, fn, label = 'page') {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await withScreenshot(page, `${label}-${viewport.name}`, () => fn(viewport));
  }
}

/**
 * Clicks a submit button (or anything that navigates) and waits until the next document of the
 * main frame has loaded: follows POST-redirect-GET without racing the old page's load state.
 */
export async function clickAndWaitForNavigation(page, locator) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  await locator.click();
  await navigated;
  await page.waitForLoadState('load');
}

/**
 * Collects what must never happen on our pages: Content-Security-Policy violations (an inline
 * script or style, a foreign origin) and uncaught script errors. Call assertClean() at the end.
 */
export function trackProblems(page) {
  const problems = [];
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy/i.test(text)) {
      problems.push(`CSP: ${text.replace(/data:[^'"]{80,}/g, (m) => `${m.slice(0, 60)}…`)}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`script error: ${err.message}`));
  return {
    problems,
    assertClean(label = 'page') {
      if (problems.length > 0) {
        throw new Error(`${label}: ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
      }
    },
  };
}

/** Path of the segnala binary: $SEGNALA_BINARY or build/segnala. */
export function segnalaBinary() {
  return process.env.SEGNALA_BINARY || path.join(repoRoot, 'build', 'segnala');
}

/**
 * Starts `segnala serve` on 127.0.0.1:0 with a fresh SQLite database and data dir, and waits for
 * its "listening on http://127.0.0.1:PORT" line. Returns { url, dataDir, lines, waitForLine,
 * credentials, stop }. credentials() waits for the first start's "user: …" and "password: …"
 * lines. stop() terminates the server (SIGTERM, then SIGKILL) and deletes the data dir unless
 * SEGNALA_E2E_KEEP is set.
 */
export async function startServer({ timeoutMs = 30000, extraArgs = [] } = {}) {
  const binary = segnalaBinary();
  if (!existsSync(binary)) {
    throw new Error(`segnala binary not found at ${binary}: build it or set SEGNALA_BINARY`);
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'segnala-e2e-'));
  const args = [
    'serve',
    '--listen', '127.0.0.1:0',
    '--database', `sqlite:${path.join(dataDir, 'db')}`,
    '--data-dir', dataDir,
    ...extraArgs,
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const lines = [];
  const stderr = [];
  const waiters = new Set();
  let exited = null;

  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters) w.check();
  });
  readline.createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    for (const w of waiters) w.check();
  });

  const describe = () =>
    `\n  args: ${args.join(' ')}\n  stdout (last 40 lines):\n    ${lines.slice(-40).join('\n    ')}` +
    `\n  stderr (last 40 lines):\n    ${stderr.slice(-40).join('\n    ')}`;

  function waitForLine(regex, ms = timeoutMs) {
    return new Promise((resolve, reject) => {
      const waiter = {
        check() {
          for (const line of lines) {
            const m = line.match(regex);
            if (m) {
              done();
              resolve(m);
              return;
            }
          }
          if (exited) {
            done();
            reject(new Error(`segnala exited (${JSON.stringify(exited)}) before printing ${regex}${describe()}`));
          }
        },
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${ms} ms waiting for ${regex}${describe()}`));
      }, ms);
      function done() {
        clearTimeout(timer);
        waiters.delete(waiter);
      }
      waiters.add(waiter);
      waiter.check();
    });
  }

  let server = null;
  /**
   * Stops the server with SIGTERM and returns how it exited. Throws, with its last lines, when
   * it had already died on its own (a crash) or did not stop cleanly within 10 s: a test whose
   * server crashed under it must not pass.
   */
  async function stop() {
    runningServers.delete(server);
    const diedOnItsOwn = exited;
    let killed = false;
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, 10000);
      await gone;
      clearTimeout(timer);
    }
    if (!process.env.SEGNALA_E2E_KEEP) {
      rmSync(dataDir, { recursive: true, force: true });
    }
    if (url && (diedOnItsOwn || killed || exited.code !== 0)) {
      const how = diedOnItsOwn ? 'died before the end of the tests' : killed ? 'did not stop within 10 s' : 'stopped badly';
      throw new Error(`segnala ${how} (${JSON.stringify(exited)})${describe()}`);
    }
    return exited;
  }

  let url;
  try {
    const m = await waitForLine(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    url = m[1];
  } catch (err) {
    await stop();
    throw err;
  }

  server = {
    url,
    dataDir,
    lines,
    stderr,
    waitForLine,
    describe,
    async credentials(ms = 10000) {
      const [, user] = await waitForLine(/^\s*user:\s*(\S+)\s*$/, ms);
      const [, password] = await waitForLine(/^\s*password:\s*(\S+)\s*$/, ms);
      return { user, password };
    },
    stop,
  };
  runningServers.add(server);
  return server;
}

/** Decodes RFC 4648 base32 (spaces and padding ignored). */
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of String(text).replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) of a base32 secret at time step `step`. */
export function totpAt(secretBase32, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

const usedSteps = new Map();

/**
 * A TOTP code the server accepts and this process has not used yet for the secret: the current
 * step or the next one (the server allows ±1 and takes each step once). Waits for the next
 * 30-second step only when both are used.
 */
export async function nextTotp(secretBase32) {
  const key = String(secretBase32).replace(/\s/g, '');
  for (;;) {
    const now = Math.floor(Date.now() / 1000 / 30);
    const last = usedSteps.get(key) ?? -1;
    if (last < now + 1) {
      const step = Math.max(now, last + 1);
      usedSteps.set(key, step);
      return totpAt(key, step);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Logs an operator in through the real pages: password, then the second factor (enrolment
 * with a code computed here when the page shows a secret, else a fresh code of `totpSecret`),
 * then the forced password change to `newPassword` when the server asks for it. `onPage(label)`
 * runs on each step's page (e.g. an axe check). Returns the TOTP secret (base32, no spaces).
 */
export async function loginOperator(page, baseUrl, { username, password, newPassword, totpSecret, onPage } = {}) {
  const step = async (label) => {
    if (onPage) await onPage(label);
  };
  await page.goto(new URL('/backoffice/login', baseUrl).href);
  await page.locator('[name="username"]').fill(username);
  await page.locator('[name="password"]').fill(password);
  await clickAndWaitForNavigation(page, page.locator('form:has([name="password"]) [type="submit"]'));
  if (new URL(page.url()).pathname !== '/backoffice/2fa') {
    throw new Error(`login of ${username}: expected the second-factor page, got ${page.url()}`);
  }
  let secret = totpSecret ? String(totpSecret).replace(/\s/g, '') : '';
  const enrolling = (await page.locator('#tfa-secret').count()) > 0;
  if (enrolling) {
    await step('2fa-enrol');
    secret = (await page.locator('#tfa-secret').innerText()).replace(/\s/g, '');
  } else {
    await step('2fa-code');
    if (!secret) throw new Error(`login of ${username}: enrolled, but no TOTP secret given`);
  }
  await page.locator('[name="code"]').fill(await nextTotp(secret));
  await clickAndWaitForNavigation(page, page.locator('form:has([name="code"]) [type="submit"]'));
  if (enrolling) {
    await page.locator('.tfa-recovery-codes').waitFor();
    await step('2fa-recovery');
    await clickAndWaitForNavigation(page, page.locator('a.btn-primary[href^="/backoffice"]'));
  }
  if (new URL(page.url()).pathname === '/backoffice/password') {
    if (!newPassword) throw new Error(`login of ${username}: password change asked, no newPassword`);
    await step('password');
    await page.locator('[name="current_password"]').fill(password);
    await page.locator('[name="new_password"]').fill(newPassword);
    await page.locator('[name="confirm_password"]').fill(newPassword);
    await clickAndWaitForNavigation(page, page.locator('form:has([name="new_password"]) [type="submit"]'));
  }
  return secret;
}
