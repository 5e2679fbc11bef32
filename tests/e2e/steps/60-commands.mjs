// Slash commands and cards in the conversation (issue 12): in copil, A (owner) types "/"
// and gets the commands the server allows there (an accessible listbox, checked by axe),
// completes with the keyboard, runs /help (an answer only A sees), runs /agenda next,
// and gets a clear French error for a command missing its argument. B, in the same
// thread, sees none of the ephemeral answers.
export default function ({ step, S, sel, fail, openWorkspace, serverBarrier, runAxe, shot, T, RUN }) {
  const THREAD = `Commandes ${RUN}`;
  const q = {
    list: '[data-testid="command-suggestions"]',
    option: '[data-testid="command-suggestion"]',
    answer: '[data-testid="command-answer"]',
    answerBody: '[data-testid="command-answer-body"]',
    dismiss: '[data-testid="command-answer-dismiss"]',
    error: '[data-testid="command-error"]',
    card: '[data-testid="card"]',
    live: '[data-testid="live-region"]',
  };

  const optionLabels = (page) =>
    page.locator(`${q.option} .sugg-label`).evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));

  async function waitFor(page, selector, what, timeout = T.short) {
    try {
      await page.locator(selector).first().waitFor({ state: 'visible', timeout });
    } catch {
      fail(what);
    }
  }

  /** Types a command line in A's composer and sends it with Enter (closing the list first). */
  async function runLine(page, text) {
    const input = page.locator(sel.composerInput);
    await input.fill('');
    await input.pressSequentially(text, { delay: 15 });
    // Escape closes the suggestion list and keeps it closed until the text changes (even
    // when a completion is still on its way), so Enter then sends the line.
    await input.press('Escape');
    await input.press('Enter');
  }

  step('commands: A and B open a new thread of copil', async () => {
    const a = S.a.page;
    await openWorkspace(a, 'copil');
    await a.click(sel.tabDiscussion).catch(() => {});
    await a.click(sel.newThreadOpen);
    await a.fill(sel.newThreadTitle, THREAD);
    await a.fill(sel.newThreadBody, `Fil pour essayer les commandes (${RUN}).`);
    await a.click(sel.newThreadSubmit);
    await a.locator(sel.threadTitle, { hasText: THREAD }).waitFor({ state: 'visible' });
    const b = S.b.page;
    await openWorkspace(b, 'copil');
    await b.click(sel.tabDiscussion).catch(() => {});
    const item = b.locator(sel.threadItem, { hasText: THREAD }).first();
    try {
      await item.waitFor({ state: 'visible', timeout: T.normal });
    } catch {
      fail(`B does not see the thread "${THREAD}"`);
    }
    await item.click();
    await b.locator(sel.threadTitle, { hasText: THREAD }).waitFor({ state: 'visible' });
  });

  step('commands: "/" opens the suggestion list (listbox, active descendant, arrows, Tab, Escape; axe)', async () => {
    const { page } = S.a;
    const input = page.locator(sel.composerInput);
    await input.click();
    await input.pressSequentially('/');
    await waitFor(page, q.list, 'typing "/" shows no command suggestions');
    const labels = await optionLabels(page);
    for (const want of ['/help', '/agenda']) {
      if (!labels.includes(want)) fail(`the suggestions do not offer ${want} (they offer: ${labels.join(', ')})`);
    }
    const listId = await page.locator(q.list).getAttribute('id');
    if ((await input.getAttribute('aria-controls')) !== listId) fail('the composer is not aria-controls of the open list');
    const first = await input.getAttribute('aria-activedescendant');
    if (first !== `${listId}-0`) fail(`aria-activedescendant is "${first}", expected "${listId}-0"`);
    await input.press('ArrowDown');
    const second = await input.getAttribute('aria-activedescendant');
    if (second !== `${listId}-1`) fail(`ArrowDown leaves aria-activedescendant at "${second}"`);
    if ((await page.locator(`#${second}`).getAttribute('aria-selected')) !== 'true') fail('the active option is not aria-selected');
    await runAxe(page, 'the open command suggestion list');
    await shot(page, 'commands-suggestions.png');
    // Narrow to /agenda and complete it with Tab: the subcommands follow.
    await input.fill('');
    await input.pressSequentially('/age');
    await waitFor(page, q.list, '"/age" shows no suggestion');
    await input.press('Tab');
    const value = await input.inputValue();
    if (value !== '/agenda ') fail(`Tab completes "/age" to "${value}", expected "/agenda "`);
    await waitFor(page, q.list, 'no subcommands are offered after "/agenda "');
    const subs = await optionLabels(page);
    if (!subs.some((s) => s.startsWith('/agenda next'))) fail(`the subcommands of /agenda do not include next (${subs.join(', ')})`);
    await input.press('Escape');
    if (await page.locator(q.list).isVisible()) fail('Escape does not close the suggestion list');
    if (await input.getAttribute('aria-activedescendant')) fail('aria-activedescendant stays after Escape');
    await input.fill('');
  });

  step('commands: /help answers A only (ephemeral, announced, dismissable)', async () => {
    const { page } = S.a;
    await runLine(page, '/help');
    await waitFor(page, q.answer, '/help shows no answer under the composer', T.normal);
    const text = (await page.locator(q.answer).first().textContent()) ?? '';
    if (!text.includes('/agenda')) fail(`the /help answer does not list /agenda: "${text.replace(/\s+/g, ' ').slice(0, 200)}"`);
    if (!text.includes('Visible par vous seul·e')) fail('the /help answer does not say that only A sees it');
    if ((await page.locator(sel.composerInput).inputValue()) !== '') fail('the composer is not emptied after /help');
    try {
      await page.waitForFunction((s) => (document.querySelector(s)?.textContent ?? '').includes('/help'), q.live, { timeout: T.short });
    } catch {
      fail('the /help answer is not announced in the live region');
    }
    await serverBarrier(S.b.page);
    const leaked = await S.b.page.locator(sel.message, { hasText: '/agenda next' }).count();
    if (leaked || (await S.b.page.locator(q.answer).count())) fail('B sees the ephemeral answer to A’s /help');
    await shot(page, 'commands-help.png');
    await page.locator(q.dismiss).first().click();
    if (await page.locator(q.answer).count()) fail('dismissing the /help answer leaves it on screen');
  });

  step('commands: /agenda next answers with the next meeting (or says there is none)', async () => {
    const { page } = S.a;
    await runLine(page, '/agenda next');
    await waitFor(page, `${q.answer}, ${q.error}`, '/agenda next shows neither an answer nor an error', T.normal);
    if (await page.locator(q.error).isVisible()) {
      fail(`/agenda next fails: ${(await page.locator(q.error).textContent())?.trim()}`);
    }
    const card = page.locator(`${q.answer} ${q.card}`);
    if (await card.count()) {
      const href = await card.first().locator('[data-testid="card-link"]').first().getAttribute('href').catch(() => null);
      if (href && !/\.ics(\?|$)/.test(href)) fail(`the next meeting's card links to "${href}", expected an .ics file`);
    }
    await runAxe(page, 'an ephemeral answer with its card');
    await shot(page, 'commands-agenda-next.png');
    await page.locator(q.dismiss).first().click();
  });

  step('commands: a missing argument gives a French error inline and keeps the line', async () => {
    const { page } = S.a;
    await runLine(page, '/agenda add');
    await waitFor(page, q.error, '"/agenda add" without a title shows no error', T.normal);
    const err = ((await page.locator(q.error).textContent()) ?? '').trim();
    if (!err.includes('/agenda add')) fail(`the error does not show the usage: "${err}"`);
    const value = await page.locator(sel.composerInput).inputValue();
    if (value !== '/agenda add') fail(`the line was not kept to be corrected (composer holds "${value}")`);
    await page.locator(sel.composerInput).fill('');
  });

  step('commands: the suggestion list at 360 px', async () => {
    const { page } = S.a;
    const before = page.viewportSize();
    await page.setViewportSize({ width: 360, height: 740 });
    try {
      const input = page.locator(sel.composerInput);
      await input.click();
      await input.pressSequentially('/');
      await waitFor(page, q.list, 'no suggestions at 360 px');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 1) fail(`the page scrolls sideways by ${overflow}px with the list open at 360 px`);
      await shot(page, 'commands-phone.png');
      await input.press('Escape');
      await input.fill('');
    } finally {
      if (before) await page.setViewportSize(before);
    }
  });
}
