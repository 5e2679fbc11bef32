// Notification centre, notification preferences and the forgotten password
// (issue 7), registered by tests/e2e/run.mjs while A (owner of copil), B and
// the phone context are signed in.
//
// B starts a thread in copil and mentions A in a message; A's bell count
// rises live (no reload); A opens the panel (axe, screenshot), Escape closes it
// and gives the focus back to the bell; A clicks the notification, lands on the
// thread, and the count drops. A opens "Préférences de notification" from the
// account menu (axe, screenshot) and changes a setting, which is saved. The
// bell, the panel and the preferences fit a 360 px wide screen. A signed-out
// context asks for a reset link ("Mot de passe oublié ?") and gets the neutral
// confirmation, and a bogus `?reset=` link shows the reset wording.

const bell = '[data-testid="notif-bell"]';
const panel = '[data-testid="notif-panel"]';
const item = '[data-testid="notif-item"]';

export default function notifications(api) {
  const { step, S, sel, fail, newPage, openWorkspace, post, waitVisible, serverBarrier, runAxe, shot, T, RUN, BASE } = api;
  const THREAD = `Notifications e2e ${RUN}`;
  const FIRST = `Ouverture du fil de notifications ${RUN}`;
  const N = {};

  const unreadOf = async (page) => Number(await page.locator(bell).getAttribute('data-unread'));

  async function expectNoSidewaysScroll(page, what) {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 1) fail(`${what} scrolls sideways by ${overflow}px at 360 px`);
  }

  async function withinWidth(page, selector, what, width = 360) {
    const box = await page.locator(selector).first().boundingBox();
    if (!box || box.x < 0 || box.x + box.width > width + 1) fail(`${what} is not within the screen's width (${JSON.stringify(box)})`);
  }

  step('notifications: B mentions A in a new thread of copil, and A’s bell count rises live', async () => {
    const a = S.a.page;
    const b = S.b.page;
    await a.locator(bell).waitFor({ state: 'visible' });
    await serverBarrier(a);
    N.before = await unreadOf(a);
    N.me = await a.evaluate(() => window.pacte.store.me.person);
    await a.evaluate(() => (window.__e2eNotifNoReload = true));

    await openWorkspace(b, 'copil');
    await b.click(sel.newThreadOpen);
    await b.fill(sel.newThreadTitle, THREAD);
    await b.fill(sel.newThreadBody, FIRST);
    await b.click(sel.newThreadSubmit);
    await b.locator(sel.threadTitle, { hasText: THREAD }).waitFor({ state: 'visible' });
    N.path = new URL(b.url()).pathname;
    if (!/^\/w\/\d+\/t\/\d+$/.test(N.path)) fail(`B is not on the new thread: ${b.url()}`);
    // The composer's @-completion writes mentions as @[Name](person:ID).
    N.mention = `Bonjour @[${N.me.name}](person:${N.me.id}), pouvez-vous relire le compte rendu ? ${RUN}`;
    await post(b, N.mention);
    await waitVisible(b, `pouvez-vous relire le compte rendu ? ${RUN}`, 'B');

    try {
      await a.waitForFunction(
        ([s, n]) => Number(document.querySelector(s)?.getAttribute('data-unread')) > n,
        [bell, N.before],
        { timeout: T.normal },
      );
    } catch {
      fail(`A's bell count does not rise live (still ${await unreadOf(a)}, was ${N.before})`);
    }
    N.after = await unreadOf(a);
    // Said politely to screen-reader users (the live region of the shell).
    try {
      await a.waitForFunction(
        () => /Nouvelle notification|nouvelles notifications/.test(document.querySelector('[data-testid="live-region"]')?.textContent ?? ''),
        null,
        { timeout: T.short },
      );
    } catch {
      fail(`the live region does not announce the notification (it says "${await a.locator('[data-testid="live-region"]').textContent()}")`);
    }
    const label = await a.locator(bell).getAttribute('aria-label');
    if (!new RegExp(`^Notifications, ${N.after} non lues?$`).test(label ?? '')) fail(`the bell is named "${label}"`);
    const badge = (await a.locator('[data-testid="notif-count"]').textContent())?.trim();
    if (badge !== String(N.after > 99 ? '99+' : N.after)) fail(`the bell's badge reads "${badge}", expected ${N.after}`);
    if (!(await a.evaluate(() => window.__e2eNotifNoReload === true))) fail('A reloaded the page');
    await shot(a, 'notifications-bell.png');
  });

  step('notifications: A opens the panel (axe), Escape closes it, the mention leads to the thread and the count drops', async () => {
    const a = S.a.page;
    await a.click(bell);
    await a.locator(panel).waitFor({ state: 'visible' });
    const entry = a.locator(`${item}[href="${N.path}"]`).first();
    try {
      await entry.waitFor({ state: 'visible', timeout: T.short });
    } catch {
      const hrefs = await a.locator(item).evaluateAll((els) => els.map((e) => e.getAttribute('href')));
      fail(`the panel has no notification leading to ${N.path} (links: ${hrefs.join(', ') || 'none'})`);
    }
    if ((await entry.getAttribute('data-unread')) === null) fail('the new notification is not shown as unread');
    const focused = await a.evaluate(() => document.activeElement?.id);
    if (focused !== 'notif-title') fail(`opening the panel puts the focus on "${focused}", expected its heading`);
    await shot(a, 'notifications-panel.png');
    await runAxe(a, 'the notification panel');

    await a.keyboard.press('Escape');
    await a.locator(panel).waitFor({ state: 'hidden' });
    if (!(await a.evaluate((s) => document.activeElement === document.querySelector(s), bell))) {
      fail('after Escape the focus is not back on the bell');
    }

    await a.keyboard.press('Enter');
    await a.locator(panel).waitFor({ state: 'visible' });
    await entry.click();
    await a.waitForURL((url) => url.pathname === N.path);
    await a.locator(sel.threadTitle, { hasText: THREAD }).waitFor({ state: 'visible' });
    await waitVisible(a, `pouvez-vous relire le compte rendu ? ${RUN}`, 'A');
    if (await a.locator(panel).isVisible()) fail('the panel stays open after following a notification');
    try {
      await a.waitForFunction(([s, n]) => Number(document.querySelector(s)?.getAttribute('data-unread')) < n, [bell, N.after], {
        timeout: T.short,
      });
    } catch {
      fail(`A's bell count does not drop after opening the notification (still ${await unreadOf(a)})`);
    }
    // The server agrees (the count comes back from it after a round trip).
    await serverBarrier(a);
    const unread = await a.evaluate(() => window.pacte.client.request('notifications.list', { unread_only: true, limit: 100 }));
    const thread = new RegExp(`/t/${N.path.split('/t/')[1]}(\\?|$)`);
    const left = unread.notifications.filter((n) => thread.test(n.link ?? ''));
    if (left.length) fail(`the server still has unread notifications about the thread: ${JSON.stringify(left.map((n) => n.title))}`);
    if (!(await a.evaluate(() => window.__e2eNotifNoReload === true))) fail('A reloaded the page');
  });

  step('notification preferences: from the account menu, accessible, a change is saved', async () => {
    const a = S.a.page;
    await a.click(sel.userMenu);
    await a.click('[data-testid="notification-prefs"]');
    await a.waitForURL((url) => url.pathname === '/preferences');
    await a.locator('[data-testid="pref-email"]').first().waitFor({ state: 'visible' });
    const title = await a.title();
    if (title !== 'Préférences de notification — Pacte') fail(`the preferences page's title is "${title}"`);
    const kinds = await a.locator('[data-testid="pref-email"]').evaluateAll((els) => els.map((e) => e.dataset.kind));
    for (const k of ['mention', 'reply', 'invitation', 'meeting', 'document', 'signature', 'reminder', 'cadence', 'deadline']) {
      if (!kinds.includes(k)) fail(`no email checkbox for "${k}" (has ${kinds.join(', ')})`);
    }
    const wsSelect = a.locator('[data-testid="pref-ws"]');
    const chosen = await wsSelect.evaluate((s) => s.options[s.selectedIndex]?.textContent ?? '');
    if (!/pilotage/i.test(chosen)) console.log(`   note: the per-workspace setting shows "${chosen.trim()}" (from copil)`);
    await shot(a, 'notification-prefs.png');
    await runAxe(a, 'the notification preferences');

    const reply = a.locator('[data-testid="pref-email"][data-kind="reply"]');
    const was = await reply.isChecked();
    await reply.click();
    await a.waitForFunction(() => /enregistrées/.test(document.querySelector('[data-testid="prefs-status"]')?.textContent ?? ''));
    const stored = await a.evaluate(() => window.pacte.client.request('notifications.prefs.get', {}));
    if (stored.email.reply !== !was) fail(`the server holds email.reply = ${stored.email.reply} after the change`);
    await reply.click(); // back as it was
    await a.waitForFunction(
      (w) => window.pacte.store.notifications.prefs?.email?.reply === w,
      was,
    );
    const daily = a.locator('[data-testid="pref-digest"][value="daily"]');
    if (!(await daily.isVisible())) fail('no "Chaque jour" choice for the digest');
  });

  step('notifications at 360 px: the bell, the panel and the preferences fit a phone', async () => {
    const a = S.a.page;
    await a.setViewportSize({ width: 360, height: 740 });
    try {
      await expectNoSidewaysScroll(a, 'the preferences');
      await withinWidth(a, '[data-testid="pref-ws-mode"]', 'the workspace frequency');
      await shot(a, 'notification-prefs-phone.png');
      await runAxe(a, 'the notification preferences on a phone');
      await withinWidth(a, bell, 'the bell');
      await withinWidth(a, sel.userMenu, 'the account menu');
      await a.click(bell);
      await a.locator(panel).waitFor({ state: 'visible' });
      await withinWidth(a, panel, 'the notification panel');
      await expectNoSidewaysScroll(a, 'the page with the notification panel');
      await shot(a, 'notifications-panel-phone.png');
      await runAxe(a, 'the notification panel on a phone');
      await a.keyboard.press('Escape');
      await a.locator(panel).waitFor({ state: 'hidden' });
    } finally {
      await a.setViewportSize({ width: 1280, height: 800 });
    }
    // The phone context (B) has its bell too.
    const phone = S.phone.page;
    await withinWidth(phone, bell, 'the phone’s bell');
    await phone.click(bell);
    await phone.locator(panel).waitFor({ state: 'visible' });
    await withinWidth(phone, panel, 'the phone’s notification panel');
    await phone.keyboard.press('Escape');
    await phone.locator(panel).waitFor({ state: 'hidden' });
  });

  step('forgotten password: the sign-in screen asks for the address and gives the same neutral answer', async () => {
    const { page } = (S.anon = await newPage(S.browser, 'anon'));
    await page.goto(`${BASE}/`, { waitUntil: 'domcontentloaded' });
    await page.locator(sel.loginEmail).waitFor({ state: 'visible' });
    await page.fill(sel.loginEmail, `personne-${RUN}@example.org`);
    await page.click('[data-testid="forgot-password"]');
    await page.locator('[data-testid="forgot-email"]').waitFor({ state: 'visible' });
    if ((await page.title()) !== 'Mot de passe oublié — Pacte') fail(`the title is "${await page.title()}"`);
    if ((await page.inputValue('[data-testid="forgot-email"]')) !== `personne-${RUN}@example.org`) {
      fail('the address typed on the sign-in screen is not carried over');
    }
    await shot(page, 'forgot-password.png');
    await runAxe(page, 'the forgotten-password screen');
    await page.click('[data-testid="forgot-submit"]');
    const unknown = (await page.locator('[data-testid="forgot-sent"]').textContent({ timeout: T.normal })).trim();
    if (!unknown.startsWith('Si un compte Pacte existe')) fail(`unexpected confirmation: "${unknown}"`);
    await shot(page, 'forgot-password-sent.png');
    await runAxe(page, 'the forgotten-password confirmation');

    // A real account gets the very same words.
    await page.click('[data-testid="forgot-again"]');
    await page.fill('[data-testid="forgot-email"]', 'equipe@biollay.example');
    await page.click('[data-testid="forgot-submit"]');
    const known = (await page.locator('[data-testid="forgot-sent"]').textContent({ timeout: T.normal })).trim();
    if (known !== unknown.replace(`personne-${RUN}@example.org`, 'equipe@biollay.example')) {
      fail(`the answer differs for an existing account: "${known}"`);
    }
    await page.click('[data-testid="forgot-back"]');
    await page.locator(sel.loginEmail).waitFor({ state: 'visible' });

    // On a phone.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.click('[data-testid="forgot-password"]');
    await page.locator('[data-testid="forgot-email"]').waitFor({ state: 'visible' });
    await expectNoSidewaysScroll(page, 'the forgotten-password screen');
    await withinWidth(page, '[data-testid="forgot-submit"]', 'the "Recevoir un lien" button');
    await shot(page, 'forgot-password-phone.png');
    await page.setViewportSize({ width: 1280, height: 800 });

    // A reset link opens the "choose a new password" screen.
    await page.goto(`${BASE}/?reset=lien-bidon-${RUN}`, { waitUntil: 'domcontentloaded' });
    await page.locator(sel.setPassword).waitFor({ state: 'visible' });
    const h1 = (await page.locator('pacte-set-password h1').textContent()).trim();
    if (h1 !== 'Choisir un nouveau mot de passe') fail(`a reset link shows "${h1}"`);
    await page.fill(sel.setPassword, `Un mot de passe ${RUN} assez long`);
    await page.fill(sel.setPasswordConfirm, `Un mot de passe ${RUN} assez long`);
    await page.click(sel.setPasswordSubmit);
    await page.locator('[data-testid="set-password-new-link"]').waitFor({ state: 'visible' });
    await page.click('[data-testid="set-password-new-link"]');
    await page.locator('[data-testid="forgot-email"]').waitFor({ state: 'visible' });
    if (new URL(page.url()).search.includes('reset')) fail(`the token stays in the address bar: ${page.url()}`);
    await page.context().close();
  });
}
