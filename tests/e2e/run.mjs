#!/usr/bin/env node
// End-to-end tests of the Pacte web client against a running server.
//
//   PACTE_URL=http://127.0.0.1:18080 PACTE_DEMO_PASSWORD=… node run.mjs
//
// Drives Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) with
// playwright-core. Expects the demo data: the accounts
// equipe@ville-chambery.example and equipe@biollay.example (password
// PACTE_DEMO_PASSWORD), both members of the workspace whose key is `copil`
// (the first one its owner: it invites someone and exports the workspace).
// Screenshots go to tests/e2e/screenshots/ (git-ignored); with
// PACTE_UPDATE_SCREENSHOTS=1 the desktop thread and phone views and the poll
// panel are also copied to docs/screenshots/.
//
// Exits non-zero on any failure, with a message saying which step failed and
// why, and prints "N passed, M failed" at the end.

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
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

// Exit code 2: the run cannot start (misconfigured), as opposed to 1: a step failed.
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
  userMenu: '[data-testid="user-menu"]',
  logout: '[data-testid="logout"]',
  myData: '[data-testid="my-data"]',
  typing: '[data-testid="typing"]',
  attachInput: '[data-testid="attach-input"]',
  attachmentChip: '[data-testid="attachment-chip"]',
  messageAttachment: '[data-testid="message-attachment"]',
  tabMembers: '[data-testid="tab-members"]',
  inviteName: '[data-testid="invite-name"]',
  inviteEmail: '[data-testid="invite-email"]',
  inviteRole: '[data-testid="invite-role"]',
  inviteSubmit: '[data-testid="invite-submit"]',
  inviteLink: '[data-testid="invite-link"]',
  exportLink: '[data-testid="export-link"]',
  setPassword: '[data-testid="set-password"]',
  setPasswordConfirm: '[data-testid="set-password-confirm"]',
  setPasswordSubmit: '[data-testid="set-password-submit"]',
  setPasswordError: '[data-testid="set-password-error"]',
  tabDiscussion: '[data-testid="tab-discussion"]',
  tabPoll: '[data-testid="tab-plugin"][data-plugin="poll"]',
  pollPanel: 'pacte-panel-poll [data-testid="poll-panel"]',
  pollNew: '[data-testid="poll-new"]',
  pollNewQuestion: '[data-testid="poll-new-question"]',
  pollNewOption: '[data-testid="poll-new-option"]',
  pollNewSubmit: '[data-testid="poll-new-submit"]',
  poll: '[data-testid="poll"]',
  pollById: (id) => `[data-testid="poll"][data-poll="${id}"]`,
  pollOption: '[data-testid="poll-option"]',
  pollChoice: '[data-testid="poll-choice"]',
  pollCount: '[data-testid="poll-count"]',
  pollMine: '[data-testid="poll-mine"]',
  pollVote: '[data-testid="poll-vote"]',
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
/**
 * A round trip to the server on the page's own socket: once its reply is back, every
 * event the server committed before it has been delivered to this page (one socket,
 * in order). Used instead of waiting "a moment".
 */
async function serverBarrier(page) {
  await page.evaluate(() => window.pacte.client.request('session.me'));
}

/** Waits until `text` shows exactly once, delivered (not pending), and stays so. */
async function expectExactlyOnce(page, text, who, timeout = T.normal) {
  try {
    await page.waitForFunction(
      ([deliveredSel, pendingSel, t]) => {
        const has = (el) => (el.textContent ?? '').includes(t);
        return (
          [...document.querySelectorAll(deliveredSel)].filter(has).length === 1 &&
          [...document.querySelectorAll(pendingSel)].filter(has).length === 0
        );
      },
      [sel.delivered, sel.pending, text],
      { timeout },
    );
  } catch {
    const d = await delivered(page, text).count();
    const p = await page.locator(sel.pending, { hasText: text }).count();
    fail(`${who} shows "${text}" ${d} time(s) delivered and ${p} pending (expected once, delivered)`);
  }
  // Anything still in flight for this page arrives before the barrier's reply.
  await serverBarrier(page);
  const again = await delivered(page, text).count();
  if (again !== 1) fail(`${who} shows "${text}" ${again} times after a server round trip (expected once)`);
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

/** Opens the user menu (sign-out, personal data) if it is closed. */
async function openUserMenu(page) {
  const button = page.locator(sel.userMenu);
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await page.locator(sel.logout).waitFor({ state: 'visible' });
}

/** Waits until an element's text is not empty, and returns it. */
async function textOf(page, selector, what, timeout = T.normal) {
  try {
    await page.waitForFunction((s) => (document.querySelector(s)?.textContent ?? '').trim().length > 0, selector, { timeout });
  } catch {
    fail(`${what}: nothing shows in ${selector} within ${timeout / 1000}s`);
  }
  return (await page.locator(selector).textContent()).trim();
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
const WITH_FILES = `Pièces jointes golf ${RUN}`;

// Files to attach, in a temporary folder: a text file, a small PNG image,
// and one just over the 10 MiB limit (sparse: nothing is written).
const FILES_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'pacte-e2e-'));
const TEXT_FILE = path.join(FILES_DIR, `compte-rendu-${RUN}.txt`);
const TEXT_BYTES = Buffer.from(`Compte rendu du comité ${RUN}\nDeuxième ligne : déjà réglé.\n`, 'utf8');
const IMAGE_FILE = path.join(FILES_DIR, `plan-${RUN}.png`);
// A 240×150 PNG drawn for the test (a framed checkerboard with a diagonal band).
const IMAGE_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAPAAAACWCAIAAABvmpKCAAAD4klEQVR42u3dTWpbQRCFUS0ji8m2vJCs0WvwMMECQxKsid5T10/X' +
  'O1BzfzQHgcFXvt1uv5wbdJ7AAe0c0M4B7RzQDuh/9+Pt54l7f//97T4+/gTd489adZr3ag4E/cgaDs3bg/7fNByaJ4D+yxoOzXNA' +
  '3w8OzaNAx7GGQ3MZ6AjWcGg+APr+85qbhkPzMdBf15Y1HJrPgA5iDYfmStANP6rh0PwS6G6s4dC8AHQf03BoXgO6CWs4NK8EXf7L' +
  'Ihya14Mu/KiGQ3MI6CrWcGgOBJ1vGg7NsaCTWcOhOQN02i+LcGjOA53wUQ2H5lTQ0azh0FwA+v7zgkzDobkG9NdFsIZD87Ogg56j' +
  '+QoGux2bK0H3H8IADfSZ6M6sgQb6TLRxF9CjQLdlDTTQr0YbdwE9CrRxF9DTQPdhDTTQK6ONu4AeBbqcNdBAR0UbdwE9CrRxF9DT' +
  'QOezBhrojIc27gJ6FOg01kADnf3Qxl1AjwJt3AX0NNDbDWGABtq4C+jrgd6INdBAH3vo5qaBBvrwQ3f+qAYa6JMP3ZM10ECff+iG' +
  'poEG+tWHbsUaaKDXPHQT00ADveyhO3xUAw304oeuZQ000OsfutA00EBHPXQJa6DLQF/kOYy7fD/0tIc27gJ64EPnsAYaaOMuoIHu' +
  'yhpooGse2rgL6GkPbdwF9MCH3oU10EAbdwF94YduzhpooM80G3cBPe2hjbuAHvjQ3VgDDbRxF9AeuitroIFe2WzcBbRxl3EX0O0f' +
  'uoo10EAbdwENdFfWQAOd0ZxmGmigk5pzPqqBBjq1OZo10EBnN4eaBhromuYg1kADXdmc/AU3QAMd3pz5BTdAA53U3J810EAfa25u' +
  'GmigzzS3ZT0ENHYz/tGRr9MF2rgLaKBXN/dhDTTQxl1AA92VNdBAb/CPjoAG2rgLaKBXN+ezBhpo4y6gge7KGmig85qNu4A27po2' +
  '7gJ6YHMca6CBNu4CGuiu4664fRfQQD/bfKlxF9DGXaPGXUBfqLkza6CBNu4CWnNX1kAD/WpzK9NAA72guc9HNdBAL2vuwBpooFc2' +
  'l5sGGuj1zYWsgQY6qrnENNBABzbnf1QDDXR4cyZroIHOaE4zDTTQec0JrFNBY6c5erPo+6GBNu4CWvOK5s5/hgq05lHjLqA1Nxp3' +
  'vc4aaM3t/tER0EAbdwGteXVzB9ZAax417gJa8wbjrudZA605qrnENNCaR427gNYc3pzJGmjNo8ZdQGveeNz1yBpozdnNoaaB1jxq' +
  '3AW05rLmCNZAax417gJac30z0HAMbAYajmnNQMMxsBloOKY1x4J2bufzBA5o54B2DmjngHaXvU9OmUAGwsmeXAAAAABJRU5ErkJg' +
  'gg==',
  'base64',
);
const BIG_FILE = path.join(FILES_DIR, `trop-gros-${RUN}.bin`);
fs.writeFileSync(TEXT_FILE, TEXT_BYTES);
fs.writeFileSync(IMAGE_FILE, IMAGE_BYTES);
fs.closeSync(fs.openSync(BIG_FILE, 'w'));
fs.truncateSync(BIG_FILE, 10 * 1024 * 1024 + 1);

const INVITEE_EMAIL = `invite-${RUN}-${Math.random().toString(36).slice(2, 8)}@example.org`;
const INVITEE_NAME = `Invitée E2E ${RUN}`;
const INVITEE_PASSWORD = `Un mot de passe ${RUN} assez long`;

step('sign-in screen: accessible, screenshot', async () => {
  const { page } = (S.a = await newPage(S.browser, 'A'));
  await page.goto(`${BASE}/`, { waitUntil: 'domcontentloaded' });
  await page.locator(sel.loginEmail).waitFor({ state: 'visible' });
  const lang = await page.evaluate(() => document.documentElement.lang);
  if (lang !== 'fr') fail(`<html lang> is "${lang}", expected "fr" by default`);
  const title = await page.title();
  if (title !== 'Connexion — Pacte') fail(`the sign-in page's title is "${title}", expected "Connexion — Pacte"`);
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
  // RGAA 8.6: the title names the thread and the workspace.
  try {
    await page.waitForFunction((t) => document.title.startsWith(`${t} — `) && document.title.endsWith(' — Pacte'), THREAD, {
      timeout: T.short,
    });
  } catch {
    fail(`B's page title in the thread is "${await page.title()}", expected "${THREAD} — <workspace> — Pacte"`);
  }
  await post(S.a.page, M2);
  await waitVisible(page, M2, 'B');
  // RGAA 7.5: A's new message is announced in B's polite live region.
  try {
    await page.waitForFunction(
      (t) => (document.querySelector('[data-testid="live-region"][aria-live="polite"]')?.textContent ?? '').includes(`« ${t} »`),
      THREAD,
      { timeout: T.short },
    );
  } catch {
    fail(`B's live region does not announce A's new message (it says "${await page.locator('[data-testid="live-region"]').textContent()}")`);
  }
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

step('attachments: A sends a text file and an image; B sees both live and downloads the text', async () => {
  const { page } = S.a;
  // Over 10 MiB: the server answers 413, shown as a clear message; removable.
  await page.setInputFiles(sel.attachInput, BIG_FILE);
  const bigChip = page.locator(`${sel.attachmentChip}[data-status="error"]`, { hasText: path.basename(BIG_FILE) });
  try {
    await bigChip.waitFor({ state: 'visible' });
  } catch {
    const chips = await page.locator(sel.attachmentChip).allTextContents();
    fail(`a file over 10 MiB is not refused: ${JSON.stringify(chips.map((c) => c.replace(/\s+/g, ' ').trim()))}`);
  }
  const bigText = (await bigChip.textContent()).replace(/\s+/g, ' ');
  if (!bigText.includes('Fichier trop volumineux (10 Mo maximum)')) fail(`unexpected text for a file over 10 MiB: "${bigText}"`);
  await bigChip.getByRole('button').click();
  if ((await page.locator(sel.attachmentChip).count()) !== 0) fail('the refused file is still shown after removing it');

  await page.setInputFiles(sel.attachInput, [TEXT_FILE, IMAGE_FILE]);
  try {
    await page.waitForFunction(
      (s) => {
        const chips = [...document.querySelectorAll(s)];
        return chips.length === 2 && chips.every((c) => c.getAttribute('data-status') === 'done');
      },
      sel.attachmentChip,
      { timeout: T.normal },
    );
  } catch {
    const chips = await page.locator(sel.attachmentChip).allTextContents();
    fail(`the two files were not uploaded: ${JSON.stringify(chips.map((c) => c.replace(/\s+/g, ' ').trim()))}`);
  }
  await post(page, WITH_FILES, 'click');
  await waitVisible(page, WITH_FILES, 'A');
  if ((await page.locator(sel.attachmentChip).count()) !== 0) fail('the attachment chips stay after sending');

  const { page: pb } = S.b;
  await waitVisible(pb, WITH_FILES, 'B');
  const message = delivered(pb, WITH_FILES).first();
  const links = message.locator(sel.messageAttachment);
  try {
    await pb.waitForFunction(
      ([text, s]) => {
        const m = [...document.querySelectorAll('[data-testid="message"]:not([data-pending])')].find((e) =>
          (e.textContent ?? '').includes(text),
        );
        const img = m?.querySelector(`${s} img`);
        return m && m.querySelectorAll(s).length === 2 && img && img.complete && img.naturalWidth > 0;
      },
      [WITH_FILES, sel.messageAttachment],
      { timeout: T.normal },
    );
  } catch {
    fail(`B does not see the two attachments (with the image loaded) of "${WITH_FILES}": ${await links.count()} shown`);
  }
  const img = message.locator(`${sel.messageAttachment} img`);
  if ((await img.getAttribute('alt')) !== path.basename(IMAGE_FILE)) fail('the image preview has not the file name as alt text');
  const textLink = message.locator(sel.messageAttachment, { hasText: path.basename(TEXT_FILE) });
  const label = (await textLink.textContent()).replace(/\s+/g, ' ');
  if (!/\d+\s?octets/.test(label)) fail(`the text file's link does not show its size: "${label}"`);
  const href = await textLink.getAttribute('href');
  const bytes = await pb.evaluate(async (url) => {
    const r = await fetch(url, { credentials: 'same-origin' });
    return { status: r.status, bytes: [...new Uint8Array(await r.arrayBuffer())] };
  }, href);
  if (bytes.status !== 200) fail(`B cannot download the text file (${href}): HTTP ${bytes.status}`);
  if (!Buffer.from(bytes.bytes).equals(TEXT_BYTES)) fail(`B downloads other bytes than A uploaded from ${href}`);
  await message.scrollIntoViewIfNeeded();
  await shot(pb, 'thread-attachments.png');
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
  await serverBarrier(S.b.page);  // whatever the server had for B has reached B by now
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
  for (const text of [M0, M1, M2, WITH_FILES, OFF1, OFF2, LOST]) await expectExactlyOnce(page, text, 'A (reloaded)');
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
    ['account menu button', page.locator(sel.userMenu)],
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
    for (const text of [M0, M1, M2, WITH_FILES, OFF1, OFF2, LOST, PHONE]) await expectExactlyOnce(page, text, name);
  }
  if (!(await S.b.page.evaluate(() => window.__e2eNoReload === true))) fail('B reloaded the page');
});

step('owner tools: A invites someone and gets a link; the export link downloads an archive', async () => {
  const { page } = S.a;
  await page.click(sel.tabMembers);
  await page.locator(sel.inviteName).waitFor({ state: 'visible' });
  await page.fill(sel.inviteName, INVITEE_NAME);
  await page.fill(sel.inviteEmail, INVITEE_EMAIL);
  await page.selectOption(sel.inviteRole, 'member');
  await page.click(sel.inviteSubmit);
  try {
    await page.locator(sel.inviteLink).waitFor({ state: 'visible' });
  } catch {
    const error = (await page.locator('[data-testid="invite-error"]').textContent().catch(() => ''))?.trim();
    fail(`no invitation link after inviting ${INVITEE_EMAIL}${error ? `: "${error}"` : ''}`);
  }
  const link = await page.locator(sel.inviteLink).inputValue();
  const token = new URL(link).searchParams.get('invitation');
  if (!token) fail(`the invitation link has no invitation= token: ${link}`);
  const sentence = await page.locator('.invite-result').textContent();
  if (!sentence.includes('Transmettez ce lien à la personne invitée (valable 7 jours).')) {
    fail(`the invitation link comes without the sentence asking to hand it over: "${sentence.trim()}"`);
  }
  // The server's link carries its configured public_url; the test server may
  // listen elsewhere, so the token is opened on PACTE_URL.
  S.invitation = `${BASE}/?invitation=${encodeURIComponent(token)}`;
  try {
    await page.locator('[data-testid="members-people"]', { hasText: INVITEE_NAME }).waitFor({ state: 'visible', timeout: T.short });
  } catch {
    fail('the invited person does not appear among the members');
  }
  await shot(page, 'members-owner.png');

  const href = await page.locator(sel.exportLink).getAttribute('href');
  if (!/^\/export\/\d+\.tar$/.test(href ?? '')) fail(`unexpected export link: ${href}`);
  const tar = await page.evaluate(async (url) => {
    const r = await fetch(url, { credentials: 'same-origin' });
    const bytes = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, size: bytes.length, magic: new TextDecoder().decode(bytes.slice(257, 262)) };
  }, href);
  if (tar.status !== 200 || tar.magic !== 'ustar') fail(`the export link does not give a tar archive: ${JSON.stringify(tar)}`);
});

step('invitation: a new browser opens the link, chooses a password (axe, screenshot) and lands signed in', async () => {
  const { page } = (S.invitee = await newPage(S.browser, 'invitee'));
  await page.goto(S.invitation, { waitUntil: 'domcontentloaded' });
  await page.locator(sel.setPassword).waitFor({ state: 'visible' });
  const heading = (await page.locator('h1').first().textContent()).trim();
  if (heading !== 'Choisir votre mot de passe') fail(`unexpected heading on the set-password screen: "${heading}"`);
  await runAxe(page, 'the set-password screen');
  await shot(page, 'set-password.png');

  await page.fill(sel.setPassword, 'court');
  await page.fill(sel.setPasswordConfirm, 'court');
  await page.click(sel.setPasswordSubmit);
  const short = await textOf(page, sel.setPasswordError, 'a short password');
  if (!short.includes('au moins 10 caractères')) fail(`unexpected error for a short password: "${short}"`);
  await page.fill(sel.setPassword, INVITEE_PASSWORD);
  await page.fill(sel.setPasswordConfirm, `${INVITEE_PASSWORD}!`);
  await page.click(sel.setPasswordSubmit);
  await page.waitForFunction((s) => /identiques/.test(document.querySelector(s)?.textContent ?? ''), sel.setPasswordError);
  await runAxe(page, 'the set-password screen showing an error');

  await page.fill(sel.setPasswordConfirm, INVITEE_PASSWORD);
  await page.click(sel.setPasswordSubmit);
  try {
    await page.locator(sel.workspace(WORKSPACE_KEY)).waitFor({ state: 'visible' });
  } catch {
    const error = (await page.locator(sel.setPasswordError).textContent().catch(() => ''))?.trim();
    fail(`the invited person does not land on a workspace list showing "${WORKSPACE_KEY}"${error ? ` (error: "${error}")` : ''}`);
  }
  if (new URL(page.url()).search.includes('invitation')) fail(`the token stays in the address bar: ${page.url()}`);
  await openUserMenu(page);
  const who = await page.locator('.user-menu-panel').textContent();
  if (!who.includes(INVITEE_EMAIL)) fail(`the signed-in account is not the invited one: "${who.trim()}"`);

  // A link works once.
  await page.goto(S.invitation, { waitUntil: 'domcontentloaded' });
  await page.fill(sel.setPassword, INVITEE_PASSWORD);
  await page.fill(sel.setPasswordConfirm, INVITEE_PASSWORD);
  await page.click(sel.setPasswordSubmit);
  await page.waitForFunction((s) => /déjà utilisé/.test(document.querySelector(s)?.textContent ?? ''), sel.setPasswordError);
  const used = (await page.locator(sel.setPasswordError).textContent()).trim();
  if (used !== 'Ce lien est inconnu, déjà utilisé ou expiré. Demandez-en un nouveau.') fail(`unexpected text for a used link: "${used}"`);
});

step('my data: A downloads mes-donnees-pacte.json from the account menu', async () => {
  const { page } = S.a;
  await openUserMenu(page);
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: T.normal }), page.click(sel.myData)]);
  if (download.suggestedFilename() !== 'mes-donnees-pacte.json') fail(`the download is named "${download.suggestedFilename()}"`);
  const file = await download.path();
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (data?.person?.email !== ACCOUNT_A) fail(`the personal data is not A's: person = ${JSON.stringify(data?.person)}`);
  if (!Array.isArray(data.messages) || !data.messages.some((m) => String(m.body ?? '').includes(M1))) {
    fail('the personal data does not include A’s messages');
  }
  await page.keyboard.press('Escape');
});

// The example plugin (plugins/poll): its "Sondages" tab and <pacte-panel-poll>.

/** Opens the workspace's poll tab and waits until the panel has loaded its polls. */
async function openPollTab(page, who) {
  const tab = page.locator(sel.tabPoll);
  try {
    await tab.waitFor({ state: 'visible', timeout: T.short });
  } catch {
    const tabs = await page.locator('[data-testid="tab-plugin"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-plugin')));
    fail(`${who} has no poll tab in ${WORKSPACE_KEY} (plugin tabs: ${tabs.join(', ') || 'none'})`);
  }
  const label = (await tab.textContent()).trim();
  if (label !== 'Sondages') fail(`the poll tab reads "${label}", expected "Sondages"`);
  await tab.click();
  await page.waitForURL(/\/w\/\d+\/p\/poll$/);
  if ((await tab.getAttribute('aria-current')) !== 'page') fail(`${who}: the poll tab is not marked aria-current="page" once open`);
  try {
    await page.locator(`pacte-panel-poll :is([data-testid="poll-empty"], ${sel.poll})`).first().waitFor({ state: 'visible' });
  } catch {
    const text = (await page.locator('pacte-plugin-panel').textContent().catch(() => ''))?.replace(/\s+/g, ' ').trim();
    fail(`${who}: the poll panel does not show its polls (it shows: "${text}")`);
  }
}

/** The "N voix · P %" text of each option of a poll, whitespace collapsed. */
function pollCounts(page, id) {
  return page
    .locator(`${sel.pollById(id)} ${sel.pollCount}`)
    .evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** Waits until a poll shows `expected` (one "N voix · P %" per option). */
async function expectCounts(page, id, expected, what, timeout = T.short) {
  try {
    await page.waitForFunction(
      ([selector, want]) =>
        JSON.stringify(
          [...document.querySelectorAll(selector)].map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()),
        ) === want,
      [`${sel.pollById(id)} ${sel.pollCount}`, JSON.stringify(expected)],
      { timeout },
    );
  } catch {
    const counts = await pollCounts(page, id);
    fail(`${what}: the poll shows ${JSON.stringify(counts)}, expected ${JSON.stringify(expected)} within ${timeout / 1000}s`);
  }
}

const POLL_QUESTION = 'Quelle date pour le prochain comité de pilotage ?';
const POLL_OPTIONS = ['Mardi 14 avril, 14 h', 'Jeudi 16 avril, 9 h 30'];

step('poll plugin: A and B open the "Sondages" tab of copil', async () => {
  const { page } = S.a;
  await openPollTab(page, 'A');
  // Marks A's document (it was reloaded earlier): the votes must arrive live.
  await page.evaluate(() => (window.__e2ePollNoReload = true));
  S.pollsBefore = new Set(await page.locator(sel.poll).evaluateAll((els) => els.map((e) => e.getAttribute('data-poll'))));
  await openPollTab(S.b.page, 'B');
  if (!(await S.b.page.evaluate(() => window.__e2eNoReload === true))) fail('B reloaded the page when opening the poll tab');
});

step('poll plugin: A creates a poll with two options (axe on the form); B sees it appear live', async () => {
  const { page } = S.a;
  await page.click(sel.pollNew);
  await page.locator(sel.pollNewQuestion).waitFor({ state: 'visible' });
  if (!(await page.evaluate((s) => document.activeElement?.matches(s), sel.pollNewQuestion))) {
    fail('opening the poll form does not put the focus on the question');
  }
  await page.fill(sel.pollNewQuestion, POLL_QUESTION);
  const inputs = page.locator(sel.pollNewOption);
  if ((await inputs.count()) !== 2) fail(`the poll form offers ${await inputs.count()} option fields, expected 2`);
  await inputs.nth(0).fill(POLL_OPTIONS[0]);
  await inputs.nth(1).fill(POLL_OPTIONS[1]);
  await shot(page, 'poll-form.png');
  await runAxe(page, 'the poll creation form');
  await page.click(sel.pollNewSubmit);
  const created = page.locator(sel.poll, { hasText: POLL_QUESTION });
  try {
    await page.waitForFunction(
      ([s, q, before]) =>
        [...document.querySelectorAll(s)].some((e) => !before.includes(e.getAttribute('data-poll')) && e.textContent.includes(q)),
      [sel.poll, POLL_QUESTION, [...S.pollsBefore]],
    );
  } catch {
    const error = (await page.locator('pacte-panel-poll .poll-new .form-error').textContent().catch(() => ''))?.trim();
    fail(`A's new poll does not show${error ? ` (form error: "${error}")` : ''}`);
  }
  const ids = await created.evaluateAll((els) => els.map((e) => e.getAttribute('data-poll')));
  const id = ids.find((x) => !S.pollsBefore.has(x));
  S.pollId = id;
  if ((await page.locator(sel.pollNewQuestion).count()) !== 0) fail('the poll form stays open after creating the poll');
  const focused = await page.evaluate(() => document.activeElement?.id ?? '');
  if (focused !== `poll-${id}-question`) fail(`after creating the poll the focus is on "#${focused}", not on its question`);
  await expectCounts(page, id, ['0 voix · 0 %', '0 voix · 0 %'], 'A, new poll');

  const pb = S.b.page;
  try {
    await pb.locator(sel.pollById(id)).waitFor({ state: 'visible', timeout: T.short });
  } catch {
    fail(`B does not see A's new poll live (poll ${id})`);
  }
  const options = (await pb.locator(`${sel.pollById(id)} ${sel.pollChoice}`).allTextContents()).map((o) => o.trim());
  if (JSON.stringify(options) !== JSON.stringify(POLL_OPTIONS)) fail(`B sees the options ${JSON.stringify(options)}`);
  if ((await pb.locator(`${sel.pollById(id)} ${sel.pollOption}`).count()) !== 2) fail('B, a member, is not offered two radio buttons to vote');
});

step('poll plugin: B votes with the keyboard; A sees the count change live, votes too; B sees it live', async () => {
  const id = S.pollId;
  const pb = S.b.page;
  const radios = pb.locator(`${sel.pollById(id)} ${sel.pollOption}`);
  // Keyboard only: focus the first option, arrow to the second, Enter votes.
  await radios.first().focus();
  await pb.keyboard.press('ArrowDown');
  if (!(await radios.nth(1).isChecked())) fail('ArrowDown does not select the second option of the poll');
  await pb.keyboard.press('Enter');
  await expectCounts(pb, id, ['0 voix · 0 %', '1 voix · 100 %'], 'B after voting');
  const mine = await pb
    .locator(`${sel.pollById(id)} ${sel.pollChoice}`, { has: pb.locator(sel.pollMine) })
    .allTextContents();
  if (mine.length !== 1 || !mine[0].includes(POLL_OPTIONS[1]) || !mine[0].includes('votre choix')) {
    fail(`B's own choice is not marked "votre choix" on "${POLL_OPTIONS[1]}" alone: ${JSON.stringify(mine)}`);
  }
  const button = (await pb.locator(`${sel.pollById(id)} ${sel.pollVote}`).textContent()).trim();
  if (button !== 'Changer mon vote') fail(`after voting B's button reads "${button}", expected "Changer mon vote"`);

  const { page } = S.a;
  await expectCounts(page, id, ['0 voix · 0 %', '1 voix · 100 %'], 'A, live after B’s vote');
  await page.locator(`${sel.pollById(id)} ${sel.pollOption}`).first().check();
  await page.click(`${sel.pollById(id)} ${sel.pollVote}`);
  await expectCounts(page, id, ['1 voix · 50 %', '1 voix · 50 %'], 'A after voting');
  await expectCounts(pb, id, ['1 voix · 50 %', '1 voix · 50 %'], 'B, live after A’s vote');
  if (!(await page.evaluate(() => window.__e2ePollNoReload === true))) fail('A reloaded the page');
  if (!(await pb.evaluate(() => window.__e2eNoReload === true))) fail('B reloaded the page');
  // The bars grow with a short transition: let it end before the screenshot.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
  await shot(page, 'poll-panel.png');
  await runAxe(page, 'the poll panel');
});

step('poll plugin: the panel fits a phone (360×740) and is accessible there', async () => {
  const { page } = S.phone;
  // On a phone the tabs are in the workspace's header, which a thread hides:
  // back to the thread list first.
  if (!(await page.locator(sel.tabPoll).isVisible())) await page.click('pacte-thread a.back-link');
  await openPollTab(page, 'phone');
  const poll = page.locator(sel.pollById(S.pollId));
  await poll.waitFor({ state: 'visible' });
  await expectCounts(page, S.pollId, ['1 voix · 50 %', '1 voix · 50 %'], 'phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) fail(`the poll panel scrolls sideways by ${overflow}px on a phone`);
  const vote = poll.locator(sel.pollVote);
  await vote.scrollIntoViewIfNeeded();
  const box = await vote.boundingBox();
  if (!box || box.x < 0 || box.x + box.width > 361) fail(`the vote button is not within the phone's width (${JSON.stringify(box)})`);
  await shot(page, 'poll-phone.png');
  await runAxe(page, 'the poll panel on a phone');
  // At 320 px the tabs wrap: every one of them is entirely on screen.
  await page.setViewportSize({ width: 320, height: 740 });
  try {
    for (const tab of await page.locator('nav.tabs .tab').all()) {
      const tb = await tab.boundingBox();
      if (!tb || tb.x < 0 || tb.x + tb.width > 321) fail(`the tab "${(await tab.textContent())?.trim()}" is not entirely on screen at 320 px (${JSON.stringify(tb)})`);
    }
    const tabsOverflow = await page.evaluate(() => {
      const el = document.querySelector('nav.tabs');
      return el ? el.scrollWidth - el.clientWidth : 0;
    });
    if (tabsOverflow > 1) fail(`the tab bar scrolls sideways by ${tabsOverflow}px at 320 px`);
  } finally {
    await page.setViewportSize({ width: 360, height: 740 });
  }
});

// Plugin steps: each tests/e2e/steps/<name>.mjs exports a default function that
// registers its steps with the helpers below (run in file-name order, here, while
// the contexts of A, B and the phone are still signed in).
const STEPS_DIR = path.join(here, 'steps');
for (const file of fs.existsSync(STEPS_DIR) ? fs.readdirSync(STEPS_DIR).filter((f) => f.endsWith('.mjs')).sort() : []) {
  const mod = await import(path.join(STEPS_DIR, file));
  mod.default({
    step, S, sel, fail, newPage, signIn, openWorkspace, openThread, post, delivered, waitVisible,
    serverBarrier, runAxe, shot, textOf, T, RUN, BASE, PASSWORD, SHOTS, DOC_SHOTS, UPDATE_DOCS,
  });
}

step('sign-out returns to the sign-in screen', async () => {
  const { page } = S.phone;
  await openUserMenu(page);
  await page.click(sel.logout);
  await page.locator(sel.loginEmail).waitFor({ state: 'visible' });
});

step('screenshots copied to docs/screenshots when PACTE_UPDATE_SCREENSHOTS=1', async () => {
  if (!UPDATE_DOCS) return;
  fs.mkdirSync(DOC_SHOTS, { recursive: true });
  for (const file of ['thread-desktop.png', 'thread-phone.png', 'poll-panel.png']) {
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
    fs.rmSync(FILES_DIR, { recursive: true, force: true });
  }
  const skipped = steps.length - passed - (failed && passed < steps.length ? 1 : 0);
  console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  process.exit(failed ? 1 : 0);  // the run's verdict: non-zero fails ./scripts/test.sh
}

main().catch((err) => {
  console.error(`e2e: ${err?.stack ?? err}`);
  process.exit(1);  // an unexpected error is a failure, never a silent pass
});
