#!/usr/bin/env node
// End-to-end tests of the Pacte web client against a running server.
//
//   PACTE_URL=http://127.0.0.1:18080 PACTE_DEMO_PASSWORD=… node run.mjs
//
// Drives Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) with
// playwright-core. Expects the demo data: the accounts
// equipe@ville-chambery.example and equipe@biollay.example (password
// PACTE_DEMO_PASSWORD), both members of the workspace whose key is `copil`.
// Screenshots go to tests/e2e/screenshots/ (git-ignored); with
// PACTE_UPDATE_SCREENSHOTS=1 the desktop thread and phone views are also
// copied to docs/screenshots/.
//
// Exits non-zero on any failure, with a message saying which step failed and
// why, and prints "N passed, M failed" at the end.

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, 'screenshots');
const DOC_SHOTS = path.resolve(here, '..', '..', 'docs', 'screenshots');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const BASE = (process.env.PACTE_URL ?? '').replace(/\/+$/, '');
const PASSWORD = process.env.PACTE_DEMO_PASSWORD ?? '';
const UPDATE_DOCS = process.env.PACTE_UPDATE_SCREENSHOTS === '1';
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const ACCOUNT_A = 'equipe@ville-chambery.example';
const ACCOUNT_B = 'equipe@biollay.example';
const WORKSPACE_KEY = 'copil';

const T = { short: 10_000, normal: 20_000, reconnect: 45_000 };
const RUN = Date.now().toString(36);

if (!BASE || !PASSWORD) {
  console.error('e2e: set PACTE_URL (e.g. http://127.0.0.1:18080) and PACTE_DEMO_PASSWORD');
  process.exit(2);
}
if (!fs.existsSync(CHROMIUM)) {
  console.error(`e2e: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  process.exit(2);
}
fs.mkdirSync(SHOTS, { recursive: true });

// ------------------------------------------------------------------ helpers

const sel = {
  loginEmail: '[data-testid="login-email"]',
  loginPassword: '[data-testid="login-password"]',
  loginSubmit: '[data-testid="login-submit"]',
  loginError: '[data-testid="login-error"]',
  workspaceItem: '[data-testid="workspace-item"]',
  workspace: (key) => `[data-testid="workspace-item"][data-key="${key}"]`,
  threadItem: '[data-testid="thread-item"]',
  newThreadOpen: '[data-testid="new-thread-open"]',
  newThreadTitle: '[data-testid="new-thread-title"]',
  newThreadBody: '[data-testid="new-thread-body"]',
  newThreadSubmit: '[data-testid="new-thread-submit"]',
  threadTitle: '[data-testid="thread-title"]',
  composerInput: '[data-testid="composer-input"]',
  composerSend: '[data-testid="composer-send"]',
  message: '[data-testid="message"]',
  delivered: '[data-testid="message"]:not([data-pending])',
  pending: '[data-testid="message"][data-pending]',
  offlineBanner: '[data-testid="offline-banner"]',
  logout: '[data-testid="logout"]',
  typing: '[data-testid="typing"]',
};

class StepError extends Error {}

function fail(message) {
  throw new StepError(message);
}

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/**
 * Replaces window.WebSocket so that a test can cut the page's connection:
 * Chromium's offline emulation (context.setOffline) fails new requests but
 * leaves open WebSockets alive, so `__pacteNet.down()` also closes the open
 * sockets and makes new ones fail until `__pacteNet.up()`.
 */
function networkSwitch() {
  const Native = window.WebSocket;
  const open = new Set();
  let blocked = false;
  class SwitchableWebSocket extends Native {
    constructor(url, protocols) {
      // Same origin (the server's Content-Security-Policy allows it), but
      // not a WebSocket endpoint: the handshake fails at once.
      super(blocked ? String(url).replace(/\/ws(?=$|\?)/, '/__e2e_network_down__') : url, protocols);
      open.add(this);
      this.addEventListener('close', () => open.delete(this));
    }
  }
  window.WebSocket = SwitchableWebSocket;
  window.__pacteNet = {
    down() {
      blocked = true;
      for (const s of open) s.close(4000, 'test: network down');
    },
    up() {
      blocked = false;
    },
    openSockets() {
      return [...open].filter((s) => s.readyState === 1).length;
    },
  };
}

const pageErrors = [];
const contexts = [];

async function newPage(browser, name, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    ...options,
  });
  context.setDefaultTimeout(T.normal);
  await context.addInitScript(networkSwitch);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(`${name}: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // The app must run under the server's Content-Security-Policy.
    if (/Content Security Policy/i.test(text)) pageErrors.push(`${name}: ${text}`);
    else console.log(`   [${name} console] ${text}`);
  });
  contexts.push({ name, context, page });
  return { context, page };
}

async function signIn(page, email) {
  await page.goto(`${BASE}/`, { waitUntil: 'domcontentloaded' });
  await page.locator(sel.loginEmail).waitFor({ state: 'visible' });
  await page.fill(sel.loginEmail, email);
  await page.fill(sel.loginPassword, PASSWORD);
  await page.click(sel.loginSubmit);
  const outcome = await Promise.race([
    page.locator(sel.workspaceItem).first().waitFor({ state: 'visible', timeout: T.normal }).then(() => 'ok'),
    page
      .waitForFunction((s) => (document.querySelector(s)?.textContent ?? '').trim().length > 0, sel.loginError, {
        timeout: T.normal,
      })
      .then(() => 'error'),
  ]).catch(() => 'timeout');
  if (outcome === 'error') {
    const text = (await page.locator(sel.loginError).textContent())?.trim();
    fail(`sign-in as ${email} refused: "${text}"`);
  }
  if (outcome === 'timeout') fail(`sign-in as ${email}: no workspace list within ${T.normal / 1000}s`);
}

async function openWorkspace(page, key) {
  const item = page.locator(sel.workspace(key));
  if ((await item.count()) === 0) {
    const keys = await page.locator(sel.workspaceItem).evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    fail(`no workspace with key "${key}" in the list (keys: ${keys.join(', ') || 'none'})`);
  }
  await item.click();
  await page.waitForURL(/\/w\/\d+/);
  await page.locator('pacte-thread-list .threads, pacte-thread-list .thread-list p.muted').first().waitFor();
}

async function openThread(page, title) {
  const item = page.locator(sel.threadItem, { hasText: title });
  await item.first().waitFor({ state: 'visible' });
  await item.first().click();
  await page.locator(sel.threadTitle, { hasText: title }).waitFor({ state: 'visible' });
}

async function post(page, text, how = 'click') {
  const input = page.locator(sel.composerInput);
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
  if (how === 'enter') await input.press('Enter');
  else await page.click(sel.composerSend);
  const value = await input.inputValue();
  if (value !== '') fail(`the composer was not emptied after sending "${text}"`);
}

/** Delivered (not pending) messages whose text contains `text`. */
function delivered(page, text) {
  return page.locator(sel.delivered, { hasText: text });
}

async function waitVisible(page, text, who, timeout = T.normal) {
  try {
    await delivered(page, text).first().waitFor({ state: 'visible', timeout });
  } catch {
    fail(`${who} does not see the message "${text}" within ${timeout / 1000}s`);
  }
}

/** Waits until `text` shows exactly once (delivered, nothing pending), and stays so. */
async function expectExactlyOnce(page, text, who, timeout = T.normal) {
  const deadline = Date.now() + timeout;
  let counts = { delivered: -1, pending: -1 };
  while (Date.now() < deadline) {
    counts = {
      delivered: await delivered(page, text).count(),
      pending: await page.locator(sel.pending, { hasText: text }).count(),
    };
    if (counts.delivered === 1 && counts.pending === 0) {
      await page.waitForTimeout(500);
      const again = await delivered(page, text).count();
      if (again !== 1) fail(`${who} shows "${text}" ${again} times after a moment (expected once)`);
      return;
    }
    if (counts.delivered > 1) fail(`${who} shows "${text}" ${counts.delivered} times (expected once)`);
    await page.waitForTimeout(200);
  }
  fail(`${who} shows "${text}" ${counts.delivered} time(s) delivered and ${counts.pending} pending (expected once, delivered)`);
}

async function runAxe(page, label) {
  // Evaluated through the DevTools protocol rather than a <script> tag, which
  // the server's Content-Security-Policy rightly refuses.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`),
    }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of result.filter((v) => !bad.includes(v))) {
    console.log(`   axe (${label}) ${v.impact}: ${v.id} — ${v.help} (${v.nodes[0] ?? ''})`);
  }
  if (bad.length) {
    const lines = bad.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `      at ${n}`).join('\n')}`);
    fail(`axe found ${bad.length} serious/critical violation(s) on ${label}:\n${lines.join('\n')}`);
  }
}

async function shot(page, file) {
  const target = path.join(SHOTS, file);
  await page.screenshot({ path: target, fullPage: false });
  return target;
}

// -------------------------------------------------------------------- steps

const steps = [];
const step = (name, fn) => steps.push({ name, fn });
const S = {}; // state shared by the steps

const THREAD = `Test e2e ${RUN}`;
const M0 = `Premier message du fil ${RUN}`;
const M1 = `Deuxième message alpha ${RUN}`;
const M2 = `Message en direct bravo ${RUN}`;
const OFF1 = `Écrit hors ligne charlie ${RUN}`;
const OFF2 = `Écrit hors ligne delta ${RUN}`;
const LOST = `Réponse perdue echo ${RUN}`;
const PHONE = `Depuis un téléphone foxtrot ${RUN}`;

step('sign-in screen: accessible, screenshot', async () => {
  const { page } = (S.a = await newPage(S.browser, 'A'));
  await page.goto(`${BASE}/`, { waitUntil: 'domcontentloaded' });
  await page.locator(sel.loginEmail).waitFor({ state: 'visible' });
  const lang = await page.evaluate(() => document.documentElement.lang);
  if (lang !== 'fr') fail(`<html lang> is "${lang}", expected "fr" by default`);
  await shot(page, 'sign-in.png');
  await runAxe(page, 'the sign-in screen');
});

step('wrong password: clear French error', async () => {
  const { page } = S.a;
  await page.fill(sel.loginEmail, ACCOUNT_A);
  await page.fill(sel.loginPassword, `${PASSWORD}-wrong`);
  await page.click(sel.loginSubmit);
  await page.waitForFunction((s) => (document.querySelector(s)?.textContent ?? '').trim().length > 0, sel.loginError);
  const text = (await page.locator(sel.loginError).textContent()).trim();
  if (!/incorrect|tentatives/i.test(text)) fail(`unexpected sign-in error text: "${text}"`);
});

step('(1) A signs in: workspace list accessible, screenshot', async () => {
  const { page } = S.a;
  await signIn(page, ACCOUNT_A);
  await page.locator(sel.workspace(WORKSPACE_KEY)).waitFor({ state: 'visible' });
  await shot(page, 'workspace-list.png');
  await runAxe(page, 'the workspace list');
});

step('(2) B signs in in a second context and opens the copil workspace', async () => {
  const { page } = (S.b = await newPage(S.browser, 'B'));
  await signIn(page, ACCOUNT_B);
  await openWorkspace(page, WORKSPACE_KEY);
  // Marks this document: a reload would lose it.
  await page.evaluate(() => (window.__e2eNoReload = true));
});

step('(1) A opens copil, creates a thread and posts a message', async () => {
  const { page } = S.a;
  await openWorkspace(page, WORKSPACE_KEY);
  await page.click(sel.newThreadOpen);
  await page.fill(sel.newThreadTitle, THREAD);
  await page.fill(sel.newThreadBody, M0);
  await page.click(sel.newThreadSubmit);
  await page.locator(sel.threadTitle, { hasText: THREAD }).waitFor({ state: 'visible' });
  await waitVisible(page, M0, 'A');
  await post(page, M1, 'enter');
  await waitVisible(page, M1, 'A');
  await page.evaluate(() => (window.__e2eNoReload = true));
});

step('(2) B sees the new thread and its messages live, without reloading', async () => {
  const { page } = S.b;
  try {
    await page.locator(sel.threadItem, { hasText: THREAD }).first().waitFor({ state: 'visible', timeout: T.normal });
  } catch {
    fail(`B's thread list does not show "${THREAD}" live`);
  }
  await openThread(page, THREAD);
  await waitVisible(page, M0, 'B');
  await waitVisible(page, M1, 'B');
  await post(S.a.page, M2);
  await waitVisible(page, M2, 'B');
  if (!(await page.evaluate(() => window.__e2eNoReload === true))) fail('B reloaded the page');
});

step('typing indicator: A sees that B is typing', async () => {
  const { page } = S.b;
  await page.locator(sel.composerInput).fill('Je suis en train d’écrire');
  try {
    await S.a.page.waitForFunction((s) => (document.querySelector(s)?.textContent ?? '').trim().length > 0, sel.typing, {
      timeout: T.short,
    });
  } catch {
    fail('A does not see any typing indicator while B types');
  }
  await page.locator(sel.composerInput).fill('');
});

step('(5) a thread is accessible', async () => {
  const { page } = S.a;
  await runAxe(page, 'a thread');
});

step('(3) A loses its connection, sends two messages offline, and they arrive once', async () => {
  const { page, context } = S.a;
  await context.setOffline(true);
  await page.evaluate(() => window.__pacteNet.down());
  try {
    await page.locator(sel.offlineBanner).waitFor({ state: 'visible', timeout: T.short });
  } catch {
    fail('the offline banner does not show after the connection is lost');
  }
  await post(page, OFF1, 'enter');
  await post(page, OFF2, 'click');
  const pending = await page.locator(sel.pending).count();
  if (pending < 2) fail(`expected the two offline messages to show as pending, found ${pending} pending`);
  await S.b.page.waitForTimeout(1000);
  if ((await delivered(S.b.page, OFF1).count()) !== 0) fail('B sees a message that A sent while offline');

  await page.evaluate(() => window.__pacteNet.up());
  await context.setOffline(false);
  try {
    await page.locator(sel.offlineBanner).waitFor({ state: 'hidden', timeout: T.reconnect });
  } catch {
    fail(`A does not reconnect within ${T.reconnect / 1000}s of the network coming back`);
  }
  for (const [pg, who] of [
    [page, 'A'],
    [S.b.page, 'B'],
  ]) {
    for (const text of [M0, M1, M2, OFF1, OFF2]) await expectExactlyOnce(pg, text, who, T.reconnect);
  }
  // Order is kept: OFF1 before OFF2.
  const order = await page
    .locator(sel.delivered)
    .evaluateAll((els, [a, b]) => {
      const texts = els.map((e) => e.textContent ?? '');
      return [texts.findIndex((t) => t.includes(a)), texts.findIndex((t) => t.includes(b))];
    }, [OFF1, OFF2]);
  if (!(order[0] >= 0 && order[0] < order[1])) fail(`the offline messages are out of order (${order})`);
});

step('(3) a message whose reply is lost is re-sent with the same id and posted once', async () => {
  const { page } = S.a;
  await page.locator(sel.composerInput).fill(LOST);
  // Send and cut the connection in the same task: the request leaves, the
  // reply cannot come back; the client re-sends it after reconnecting.
  await page.evaluate((s) => {
    document.querySelector(s).click();
    window.__pacteNet.down();
    setTimeout(() => window.__pacteNet.up(), 1500);
  }, sel.composerSend);
  await page.locator(sel.offlineBanner).waitFor({ state: 'hidden', timeout: T.reconnect });
  await expectExactlyOnce(page, LOST, 'A', T.reconnect);
  await expectExactlyOnce(S.b.page, LOST, 'B', T.reconnect);
});

step('(3) after a reload, A still shows every message once', async () => {
  const { page } = S.a;
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.locator(sel.threadTitle, { hasText: THREAD }).waitFor({ state: 'visible' });
  for (const text of [M0, M1, M2, OFF1, OFF2, LOST]) await expectExactlyOnce(page, text, 'A (reloaded)');
  await shot(page, 'thread-desktop.png');
});

step('(4) a phone-sized context (360×740) signs in and posts', async () => {
  const { page } = (S.phone = await newPage(S.browser, 'phone', {
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  }));
  await signIn(page, ACCOUNT_B);
  await openWorkspace(page, WORKSPACE_KEY);
  // On a phone the workspace list and the thread list are separate views.
  if (await page.locator('.sidebar').isVisible()) fail('the workspace list stays visible inside a workspace on a phone');
  await openThread(page, THREAD);
  if (await page.locator(sel.threadItem).first().isVisible()) fail('the thread list stays visible beside a thread on a phone');
  await post(page, PHONE, 'click');
  await waitVisible(page, PHONE, 'phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) fail(`the phone view scrolls sideways by ${overflow}px`);
  for (const [what, locator] of [
    ['send button', page.locator(sel.composerSend)],
    ['sign-out button', page.locator(sel.logout)],
    ['message input', page.locator(sel.composerInput)],
  ]) {
    const box = await locator.boundingBox();
    if (!box || box.x < 0 || box.y < 0 || box.x + box.width > 361 || box.y + box.height > 741) {
      fail(`the ${what} is not entirely on screen on a phone (${JSON.stringify(box)})`);
    }
  }
  await shot(page, 'thread-phone.png');
  await runAxe(page, 'a thread on a phone');
  await expectExactlyOnce(S.a.page, PHONE, 'A');
  await expectExactlyOnce(S.b.page, PHONE, 'B');
});

step('every message shows exactly once everywhere; B never reloaded', async () => {
  for (const { page, name } of [S.a, S.b, S.phone].map((x, i) => ({ page: x.page, name: ['A', 'B', 'phone'][i] }))) {
    for (const text of [M0, M1, M2, OFF1, OFF2, LOST, PHONE]) await expectExactlyOnce(page, text, name);
  }
  if (!(await S.b.page.evaluate(() => window.__e2eNoReload === true))) fail('B reloaded the page');
});

step('sign-out returns to the sign-in screen', async () => {
  const { page } = S.phone;
  await page.click(sel.logout);
  await page.locator(sel.loginEmail).waitFor({ state: 'visible' });
});

step('screenshots copied to docs/screenshots when PACTE_UPDATE_SCREENSHOTS=1', async () => {
  if (!UPDATE_DOCS) return;
  fs.mkdirSync(DOC_SHOTS, { recursive: true });
  for (const file of ['thread-desktop.png', 'thread-phone.png']) {
    fs.copyFileSync(path.join(SHOTS, file), path.join(DOC_SHOTS, file));
  }
});

// --------------------------------------------------------------------- main

async function main() {
  console.log(`e2e: ${BASE} with ${CHROMIUM}`);
  S.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  let passed = 0;
  let failed = 0;
  try {
    for (const { name, fn } of steps) {
      const started = Date.now();
      try {
        await fn();
        passed++;
        console.log(`✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
      } catch (err) {
        failed++;
        const message = err instanceof StepError ? err.message : err?.stack ?? String(err);
        console.error(`✗ ${name}\n  ${message.replace(/\n/g, '\n  ')}`);
        for (const { name: who, page } of contexts) {
          const file = `failure-${who}.png`;
          await page.screenshot({ path: path.join(SHOTS, file) }).catch(() => {});
          console.error(`  screenshot of ${who}: ${path.join(SHOTS, file)}`);
        }
        break; // the steps build on each other
      }
    }
    if (pageErrors.length) {
      failed++;
      console.error(`✗ uncaught errors in the pages:\n  ${pageErrors.join('\n  ')}`);
    }
  } finally {
    await S.browser.close().catch(() => {});
  }
  const skipped = steps.length - passed - (failed && passed < steps.length ? 1 : 0);
  console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(`e2e: ${err?.stack ?? err}`);
  process.exit(1);
});
