// The agenda plugin (plugins/agenda): in workspace copil, A (owner) schedules a comité de
// pilotage, adds an item and reorders it with the keyboard, runs the meeting while B sees
// the current item move live, records a decision and an action, approves and publishes
// the minutes; then the cadence dashboard of the year.
export default function ({ step, S, fail, openWorkspace, serverBarrier, runAxe, shot, textOf, T, RUN }) {
  const TITLE = `Comité de pilotage ${RUN}`;
  const ITEM = `Point ajouté ${RUN}`;
  const DECISION = `Le calendrier des rencontres thématiques est adopté (${RUN}).`;
  const ACTION = `Envoyer les indicateurs (${RUN})`;
  const YEAR = new Date().getFullYear() + 1;
  const q = {
    tab: '[data-testid="tab-plugin"][data-plugin="agenda"]',
    panel: 'pacte-panel-agenda [data-testid="agenda-panel"]',
    view: '[data-testid="agenda-meeting-view"]',
    item: '[data-testid="agenda-item"]',
    current: '[data-testid="agenda-current-title"]',
  };

  async function openTab(page, who) {
    await openWorkspace(page, 'copil');
    const tab = page.locator(q.tab);
    try {
      await tab.waitFor({ state: 'visible', timeout: T.short });
    } catch {
      const tabs = await page.locator('[data-testid="tab-plugin"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-plugin')));
      fail(`${who} has no agenda tab in copil (plugin tabs: ${tabs.join(', ') || 'none'})`);
    }
    const label = (await tab.textContent()).trim();
    if (label !== 'Réunions') fail(`the agenda tab reads "${label}", expected "Réunions"`);
    await tab.click();
    await page.waitForURL(/\/w\/\d+\/p\/agenda$/);
    await page.locator(q.panel).waitFor({ state: 'visible' });
  }

  /** Titles of the agenda items in order ("1. Accueil"), whitespace collapsed. */
  const itemTitles = (page) =>
    page.locator(`${q.item} h4`).evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()));

  async function waitCurrent(page, text, who) {
    try {
      await page.waitForFunction(([s, t]) => (document.querySelector(s)?.textContent ?? '').includes(t), [q.current, text], {
        timeout: T.short,
      });
    } catch {
      const shown = await page.locator(q.current).textContent().catch(() => '');
      fail(`${who} does not see "${text}" as the current item (shows "${shown?.trim()}")`);
    }
  }

  step('agenda: A and B open the "Réunions" tab of copil', async () => {
    await openTab(S.a.page, 'A');
    await openTab(S.b.page, 'B');
  });

  step('agenda: A schedules a comité de pilotage in Paris time (axe on the form)', async () => {
    const { page } = S.a;
    await page.click('[data-testid="agenda-schedule-open"]');
    await page.locator('[data-testid="agenda-form-title"]').waitFor({ state: 'visible' });
    if (!(await page.evaluate(() => document.activeElement?.id === 'ag-f-title'))) fail('opening the form does not focus the title');
    await page.fill('[data-testid="agenda-form-title"]', TITLE);
    await page.fill('[data-testid="agenda-form-date"]', `${YEAR}-03-12`);
    await page.fill('[data-testid="agenda-form-start"]', '14:00');
    await page.fill('[data-testid="agenda-form-end"]', '16:30');
    await runAxe(page, 'agenda schedule form');
    await page.click('[data-testid="agenda-form-submit"]');
    await page.locator(q.view, { hasText: TITLE }).waitFor({ state: 'visible' });
    const when = (await page.locator(`${q.view} .ag-meta`).first().textContent()).trim();
    if (!when.includes('14:00') || !when.includes('16:30') || !when.includes('mars')) fail(`the meeting reads "${when}", expected 12 mars 14:00 – 16:30`);
    const titles = await itemTitles(page);
    if (titles.length !== 4 || !titles[0].includes('Partager des enjeux')) fail(`the template agenda is ${JSON.stringify(titles)}`);
    const ics = await page.locator('[data-testid="agenda-ics"]').getAttribute('href');
    const body = await page.evaluate((u) => fetch(u).then((r) => r.text()), ics);
    if (!body.includes('BEGIN:VEVENT') || !body.includes('DTSTART;TZID=Europe/Paris:') || !body.includes(`${YEAR}0312T140000`))
      fail(`the .ics link does not give the meeting: ${body.slice(0, 200)}`);
  });

  step('agenda: A adds an item and moves it up with the keyboard', async () => {
    const { page } = S.a;
    await page.fill('[data-testid="agenda-item-title"]', ITEM);
    await page.fill('[data-testid="agenda-item-minutes"]', '10');
    // Linked to one of copil's discussion threads.
    const threads = await page.locator('#ag-item-thread option').count();
    if (threads < 2) fail('the item form offers no discussion thread to link');
    await page.selectOption('#ag-item-thread', { index: 1 });
    await page.click('[data-testid="agenda-item-submit"]');
    await page.locator(q.item, { hasText: ITEM }).waitFor({ state: 'visible' });
    const link = page.locator(q.item, { hasText: ITEM }).locator('a[href*="/t/"]');
    if ((await link.count()) !== 1) fail('the new item does not show its linked thread');
    let titles = await itemTitles(page);
    if (!titles[4]?.includes(ITEM)) fail(`the new item is not last: ${JSON.stringify(titles)}`);
    const up = page.locator(q.item, { hasText: ITEM }).locator('[data-testid="agenda-move-up"]');
    await up.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      ([s, t]) => (document.querySelectorAll(s)[3]?.textContent ?? '').includes(t),
      [`${q.item} h4`, ITEM],
      { timeout: T.short },
    ).catch(async () => fail(`after "move up" the order is ${JSON.stringify(await itemTitles(page))}`));
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    if (focused !== 'agenda-move-up') fail(`the focus left the moved item's button (now on ${focused})`);
    titles = await itemTitles(page);
    if (!titles[3].startsWith('4.')) fail(`items are not renumbered: ${JSON.stringify(titles)}`);
    // Edit its title in place.
    await page.locator(q.item, { hasText: ITEM }).getByRole('button', { name: /^Modifier/ }).click();
    const edit = page.locator('[data-testid="agenda-item-edit"]');
    await edit.locator('input[name="title"]').fill(`${ITEM} (modifié)`);
    await edit.locator('button[type="submit"]').click();
    await page.locator(`${q.item} h4`, { hasText: `${ITEM} (modifié)` }).waitFor({ state: 'visible' });
  });

  step('agenda: B opens the meeting; A runs it and B sees the current item move live', async () => {
    const a = S.a.page;
    const b = S.b.page;
    await b.locator('[data-testid="agenda-meeting"]', { hasText: TITLE }).locator('button').first().click();
    await b.locator(q.view, { hasText: TITLE }).waitFor({ state: 'visible' });
    if ((await b.locator('[data-testid="agenda-run"]').count()) !== 0) fail('B (a member) is offered to run the meeting');
    await a.click('[data-testid="agenda-run"]');
    await a.click('[data-testid="agenda-next"]');
    await waitCurrent(a, 'Partager des enjeux', 'A');
    await waitCurrent(b, 'Partager des enjeux', 'B');
    await a.click('[data-testid="agenda-next"]');
    await waitCurrent(b, 'Suivi du pacte', 'B');
    const marked = await b.locator(`${q.item}[aria-current="step"] h4`).textContent();
    if (!marked.includes('Suivi du pacte')) fail(`B's agenda marks "${marked}" as current`);
    await shot(a, 'agenda-run.png');
    await shot(b, 'agenda-live-b.png');
  });

  step('agenda: A records a decision and an action on the current item; B sees them', async () => {
    const { page } = S.a;
    const item = page.locator(`${q.item}[aria-current="step"]`);
    await item.locator('[data-testid="agenda-item-forms"] summary').click();
    await item.locator('[data-testid="agenda-decision-text"]').fill(DECISION);
    await item.locator('[data-testid="agenda-decision-submit"]').click();
    await page.locator('[data-testid="agenda-decision"]', { hasText: DECISION }).waitFor({ state: 'visible' });
    const again = page.locator(`${q.item}[aria-current="step"]`);
    if (!(await again.locator('[data-testid="agenda-item-forms"]').evaluate((d) => d.open))) {
      await again.locator('[data-testid="agenda-item-forms"] summary').click();
    }
    await again.locator('[data-testid="agenda-action-what"]').fill(ACTION);
    await again.locator('[data-testid="agenda-action-owner"]').selectOption({ index: 1 });
    await again.locator('[data-testid="agenda-action-due"]').fill(`${YEAR}-04-30`);
    await again.locator('[data-testid="agenda-action-submit"]').click();
    await page.locator('[data-testid="agenda-action"]', { hasText: ACTION }).waitFor({ state: 'visible' });
    try {
      await S.b.page.locator('[data-testid="agenda-decision"]', { hasText: DECISION }).waitFor({ state: 'visible', timeout: T.short });
      await S.b.page.locator('[data-testid="agenda-action"]', { hasText: ACTION }).waitFor({ state: 'visible', timeout: T.short });
    } catch {
      fail('B does not see the decision and the action live');
    }
  });

  step('agenda: A approves and publishes the minutes (hash shown, B sees it published)', async () => {
    const { page } = S.a;
    await page.click('[data-testid="agenda-approve"]');
    await page.locator('[data-testid="agenda-minutes-state"][data-state="approved"]').waitFor({ state: 'visible' });
    await page.click('[data-testid="agenda-publish"]');
    await page.locator('[data-testid="agenda-minutes-state"][data-state="published"]').waitFor({ state: 'visible' });
    const hash = await textOf(page, '[data-testid="agenda-minutes-hash"]', 'the published minutes');
    if (!/[0-9a-f]{64}/.test(hash)) fail(`no SHA-256 shown: "${hash}"`);
    const md = await page.locator('[data-testid="agenda-export-md"]').getAttribute('href');
    const body = await page.evaluate((u) => fetch(u).then((r) => r.text()), md);
    if (!body.includes(DECISION)) fail('the Markdown export lacks the decision');
    await serverBarrier(S.b.page);
    try {
      await S.b.page.locator('[data-testid="agenda-minutes-state"][data-state="published"]').waitFor({ state: 'visible', timeout: T.short });
    } catch {
      fail('B does not see the minutes published');
    }
    await page.locator('[data-testid="agenda-minutes"]').scrollIntoViewIfNeeded();
    await shot(page, 'agenda-minutes.png');
    await runAxe(page, 'agenda meeting view');
  });

  step('agenda: the open-actions register lists the action; a calendar feed lists the meeting (axe)', async () => {
    const { page } = S.a;
    await page.click('[data-testid="agenda-tab-actions"]');
    try {
      await page.locator('[data-testid="agenda-actions"] [data-testid="agenda-action"]', { hasText: ACTION }).waitFor({ state: 'visible', timeout: T.short });
    } catch {
      fail('the open-actions register does not list the action');
    }
    await runAxe(page, 'agenda open actions');
    await page.click('[data-testid="agenda-tab-feed"]');
    await page.click('[data-testid="agenda-feed-create"]');
    const input = page.locator('[data-testid="agenda-feed-url"]');
    await input.waitFor({ state: 'visible' });
    const url = await input.inputValue();
    if (!/\/p\/agenda\/feed\/[0-9a-f]{64}\.ics$/.test(url)) fail(`the feed address looks wrong: ${url}`);
    // Fetched without the session, as a calendar application would.
    const body = await page.evaluate((u) => fetch(u, { credentials: 'omit' }).then((r) => r.text()), url);
    if (!body.includes(`SUMMARY:${TITLE}`)) fail('the personal feed does not list the meeting');
    await runAxe(page, 'agenda feed');
    await page.click('[data-testid="agenda-tab-meetings"]');
  });

  step('agenda: the meeting fits a phone (360×740) and is accessible there', async () => {
    const { page } = S.phone;
    const tab = page.locator(q.tab);
    if (!(await tab.isVisible())) fail('the phone does not show the agenda tab of copil');
    await tab.click();
    await page.locator(q.panel).waitFor({ state: 'visible' });
    await page.locator('[data-testid="agenda-meeting"]', { hasText: TITLE }).locator('button').first().click();
    await page.locator(q.view, { hasText: TITLE }).waitFor({ state: 'visible' });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 1) fail(`the meeting view scrolls sideways by ${overflow}px on a phone`);
    await shot(page, 'agenda-phone.png');
    await runAxe(page, 'the agenda panel on a phone');
  });

  step('agenda: the cadence dashboard of the year is visible (axe)', async () => {
    const { page } = S.a;
    await page.click('[data-testid="agenda-tab-cadence"]');
    await page.locator('[data-testid="agenda-cadence-row"][data-key="copil"]').waitFor({ state: 'visible' });
    const rows = await page.locator('[data-testid="agenda-cadence-row"]').count();
    if (rows < 5) fail(`the dashboard shows ${rows} rows, expected every committee the Ville sees`);
    await shot(page, 'agenda-cadence.png');
    await runAxe(page, 'agenda cadence');
    await page.click('[data-testid="agenda-tab-meetings"]');
  });
}
