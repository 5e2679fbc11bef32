// A comité de pilotage run from the chat alone (issue 12, "done when"). In copil, A (the
// owner) schedules the meeting with /agenda schedule, adds items with /agenda add, moves
// the current item with /agenda current while B (a member) watches the meeting's live
// card change without a reload; B opens the item's notes from the card's button, is
// refused the owner's "next item" button, and reads the card in English after switching
// language; a decision is recorded with /agenda decide; A follows a signature campaign
// with /sign status (progress per organisation) and /sign remind moulins, and sees the
// campaign's card move when B signs after the card's "Signer" button.
//
// Assumes only what it makes: the meeting starts within the hour (so it is "in
// progress"), and the campaign is created here (the demo's is in the pacte workspace).
export default function ({ step, S, sel, fail, openWorkspace, serverBarrier, runAxe, shot, T, RUN }) {
  const MEETING = `Copil ${RUN}`;
  const SEANCE = `Séance ${RUN}`;
  const CAMPAIGN = `Avenant ${RUN}`;
  const q = {
    answer: '[data-testid="command-answer"]',
    error: '[data-testid="command-error"]',
    dismiss: '[data-testid="command-answer-dismiss"]',
    card: '[data-testid="card"]',
    field: '.card-field',
    action: '[data-testid="card-action"]',
    outcome: '[data-testid="card-outcome"]',
    progress: '[data-testid="card-progress"]',
    language: '[data-testid="language"]',
    notesEditor: 'pacte-panel-notes [data-testid="notes-editor"]',
  };
  const state = { meeting: 0, items: [], ws: 0 };

  /** The next full hour, as Paris wall-clock date and hour: the meeting then is "in progress". */
  function nextHourInParis() {
    const start = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3_600_000);
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23',
      })
        .formatToParts(start)
        .map((p) => [p.type, p.value]),
    );
    return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: `${Number(parts.hour)}h` };
  }

  /** Types a command line in the composer and sends it (the suggestion list closed first). */
  async function runLine(page, text) {
    const input = page.locator(sel.composerInput);
    await input.fill('');
    await input.pressSequentially(text, { delay: 10 });
    await input.press('Escape');
    await input.press('Enter');
  }

  /** Runs a command and waits for its answer (or fails with its error); returns the answer's text. */
  async function runOk(page, text) {
    const before = await page.locator(q.answer).count();
    await runLine(page, text);
    try {
      await page.waitForFunction(
        ([a, e, n]) => document.querySelectorAll(a).length > n || !!document.querySelector(e),
        [q.answer, q.error, before],
        { timeout: T.normal },
      );
    } catch {
      fail(`"${text}" shows neither an answer nor an error`);
    }
    if (await page.locator(q.error).isVisible()) fail(`"${text}" fails: ${(await page.locator(q.error).textContent())?.trim()}`);
    if ((await page.locator(sel.composerInput).inputValue()) !== '') fail(`the composer keeps "${text}" after it ran`);
    return ((await page.locator(q.answer).last().textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  async function dismissAnswers(page) {
    while (await page.locator(q.dismiss).count()) await page.locator(q.dismiss).first().click();
  }

  /** The meeting's live cards in B's open thread (every activity message carries one). */
  const meetingCards = (page) => page.locator(`${sel.message} ${q.card}[data-card-key="agenda:meeting:${state.meeting}"]`);

  /** Waits until the last meeting card on the page shows `value` for the field `label`. */
  async function cardField(page, label, value, what) {
    try {
      await page.waitForFunction(
        ([cards, l, v]) => {
          const all = document.querySelectorAll(cards);
          const card = all[all.length - 1];
          if (!card) return false;
          return [...card.querySelectorAll('.card-field')].some(
            (f) => f.querySelector('dt')?.textContent?.trim() === l && (f.querySelector('dd')?.textContent ?? '').includes(v),
          );
        },
        [`${sel.message} ${q.card}[data-card-key="agenda:meeting:${state.meeting}"]`, label, value],
        { timeout: T.normal },
      );
    } catch {
      fail(what);
    }
  }

  const items = (page) =>
    page.evaluate(async (id) => (await window.pacte.client.request('agenda.get', { meeting: id })).meeting, state.meeting);

  step('chat meeting: A schedules the comité with /agenda schedule and adds items with /agenda add', async () => {
    const a = S.a.page;
    await openWorkspace(a, 'copil');
    await a.click(sel.tabDiscussion).catch(() => {});
    await a.click(sel.newThreadOpen);
    await a.fill(sel.newThreadTitle, SEANCE);
    await a.fill(sel.newThreadBody, `Le comité se tient ici (${RUN}).`);
    await a.click(sel.newThreadSubmit);
    await a.locator(sel.threadTitle, { hasText: SEANCE }).waitFor({ state: 'visible' });
    state.ws = Number(new URL(a.url()).pathname.split('/')[2]);
    // Marks both documents: a reload from here on would lose it.
    for (const page of [a, S.b.page]) await page.evaluate(() => (window.__e2eNoReload = true));
    const when = nextHourInParis();
    const text = await runOk(a, `/agenda schedule ${when.date} ${when.hour} 3h ${MEETING}`);
    if (!text.includes('Réunion planifiée')) fail(`/agenda schedule answers "${text}"`);
    const card = a.locator(`${q.answer} ${q.card}`).last();
    const key = (await card.getAttribute('data-card-key')) ?? '';
    if (!/^agenda:meeting:\d+$/.test(key)) fail(`the answer's card has key "${key}"`);
    state.meeting = Number(key.split(':')[2]);
    if (!((await card.locator('[data-testid="card-title"]').textContent()) ?? '').includes(MEETING))
      fail('the card of the scheduled meeting does not show its title');
    await shot(a, 'chat-meeting-scheduled.png');
    await dismissAnswers(a);
    const lines = [
      ['/agenda add "Point budget" 20min', 'Point budget'],
      ['/agenda add « Calendrier des rencontres thématiques » 30 min', 'Calendrier des rencontres thématiques'],
      ['/agenda add "Questions diverses"', 'Questions diverses'],
    ];
    for (const [line, title] of lines) {
      await runLine(a, line);
      // The answer is posted for everyone in A's thread: it shows once the command ran.
      try {
        await a.locator(sel.message, { hasText: 'Point ajouté à' }).filter({ hasText: title }).first()
          .waitFor({ state: 'visible', timeout: T.normal });
      } catch {
        const err = (await a.locator(q.error).isVisible()) ? (await a.locator(q.error).textContent())?.trim() : 'no error shown';
        fail(`"${line}" posts no "Point ajouté" message (${err})`);
      }
    }
    const m = await items(a);
    const titles = m.items.map((i) => i.title);
    for (const [, title] of lines)
      if (!titles.includes(title)) fail(`the agenda has no item "${title}" after /agenda add (items: ${titles.join(' | ')})`);
    state.items = m.items;
  });

  step('chat meeting: /agenda current moves the item and B’s live card follows without a reload', async () => {
    const b = S.b.page;
    await openWorkspace(b, 'copil');
    await b.click(sel.tabDiscussion).catch(() => {});
    const item = b.locator(sel.threadItem, { hasText: `Réunion : ${MEETING}` }).first();
    try {
      await item.waitFor({ state: 'visible', timeout: T.normal });
    } catch {
      fail(`B does not see the meeting's thread "Réunion : ${MEETING}"`);
    }
    await item.click();
    await b.locator(sel.threadTitle, { hasText: MEETING }).waitFor({ state: 'visible' });
    await meetingCards(b).first().waitFor({ state: 'visible' });
    const a = S.a.page;
    const first = state.items[0];
    let text = await runOk(a, '/agenda current');
    if (!text.includes(`${first.number}. ${first.title}`)) fail(`/agenda current answers "${text}", expected item ${first.number}`);
    await cardField(b, 'Point en cours', `${first.number}. ${first.title}`, 'B’s card does not show the first item as current');
    const second = state.items[1];
    text = await runOk(a, `/agenda current ${second.number}`);
    if (!text.includes(second.title)) fail(`/agenda current ${second.number} answers "${text}"`);
    await cardField(b, 'Point en cours', `${second.number}. ${second.title}`, 'B’s card does not follow /agenda current');
    if (!(await b.evaluate(() => window.__e2eNoReload === true))) fail('B reloaded the page');
    await dismissAnswers(a);
    await runAxe(b, 'the meeting thread with its live cards');
    await shot(b, 'chat-meeting-card-b.png');
  });

  step('chat meeting: B is refused the owner’s button, opens the item’s notes from the card', async () => {
    const b = S.b.page;
    const card = meetingCards(b).last();
    const next = card.locator(q.action, { hasText: 'Point suivant' });
    if ((await next.count()) === 0) fail('the live card offers no "Point suivant" button');
    await next.click();
    try {
      await card.locator(`${q.outcome} .form-error`).waitFor({ state: 'visible', timeout: T.short });
    } catch {
      fail('the owner-only "Point suivant" is not refused to B');
    }
    const refusal = ((await card.locator(`${q.outcome} .form-error`).textContent()) ?? '').trim();
    if (!refusal) fail('the refusal says nothing');
    const m = await items(b);
    if (m.current_item !== state.items[1].id) fail('B’s refused click moved the meeting on');
    await shot(b, 'chat-meeting-refused.png');
    await card.locator(q.action, { hasText: 'Ouvrir les notes du point' }).click();
    const link = card.locator('[data-testid="card-outcome-link"]');
    try {
      await link.first().waitFor({ state: 'visible', timeout: T.short });
    } catch {
      fail(`"Ouvrir les notes du point" gives no link (outcome: "${(await card.locator(q.outcome).textContent())?.trim()}")`);
    }
    await link.first().click();
    await b.waitForURL(/\/p\/notes\?note=\d+$/);
    try {
      await b.locator(q.notesEditor).waitFor({ state: 'visible', timeout: T.normal });
    } catch {
      fail('the notes of the item do not open from the card’s link');
    }
    const notes = await b.evaluate(
      async ([ws, item]) => (await window.pacte.client.request('notes.list', { workspace: ws, agenda_item: item })).notes,
      [state.ws, state.items[1].id],
    );
    if (notes.length !== 1) fail(`the current item has ${notes.length} notes, expected 1`);
    await shot(b, 'chat-meeting-notes.png');
    if (!(await b.evaluate(() => window.__e2eNoReload === true))) fail('B reloaded the page');
  });

  step('chat meeting: /agenda decide records a decision, announced in the meeting’s thread; B reads it in English', async () => {
    const a = S.a.page;
    const text = await runOk(a, '/agenda decide Le calendrier des rencontres thématiques est adopté');
    if (!text.includes('Décision consignée')) fail(`/agenda decide answers "${text}"`);
    const m = await items(a);
    if (!m.decisions.some((d) => d.item === state.items[1].id && d.text.includes('calendrier')))
      fail('no decision is recorded on the current item');
    await dismissAnswers(a);
    const b = S.b.page;
    await b.goBack();
    await b.locator(sel.threadTitle, { hasText: MEETING }).waitFor({ state: 'visible' });
    try {
      await b.locator(sel.message, { hasText: 'Décision adoptée sur' }).first().waitFor({ state: 'visible', timeout: T.normal });
    } catch {
      fail('B does not see the decision in the meeting’s thread');
    }
    // English: the same activity and card, in B's language.
    await b.selectOption(q.language, 'en');
    try {
      await b.locator(sel.message, { hasText: 'Decision adopted on' }).first().waitFor({ state: 'visible', timeout: T.normal });
    } catch {
      fail('the decision is not shown in English to B');
    }
    await cardField(b, 'Current item', state.items[1].title, 'the live card is not in English for B');
    if ((await meetingCards(b).last().locator(q.action, { hasText: 'Open the item' }).count()) === 0)
      fail('the card’s button is not in English');
    // The workspace's plugin tabs follow the language too, without a reload.
    const agendaTab = b.locator('[data-testid="tab-plugin"][data-plugin="agenda"]');
    if ((await agendaTab.count()) === 0 || (await agendaTab.first().innerText()).trim() !== 'Meetings')
      fail('the agenda tab is not titled in English');
    // So does the title of the meeting's thread, which the agenda plugin named in both languages.
    try {
      await b.locator(sel.threadTitle, { hasText: `Meeting: ${MEETING}` }).waitFor({ state: 'visible', timeout: T.normal });
    } catch {
      fail(`the meeting's thread is not titled "Meeting: ${MEETING}" in English`);
    }
    await shot(b, 'chat-meeting-english.png');
    await b.selectOption(q.language, 'fr');
    await cardField(b, 'Point en cours', state.items[1].title, 'the live card does not return to French');
  });

  step('chat meeting: A follows the signatures with /sign status and /sign remind; the card moves when B signs', async () => {
    const a = S.a.page;
    const b = S.b.page;
    const me = await b.evaluate(() => window.pacte.store.me.person.id);
    // A signature campaign of the copil (the demo's is in the pacte workspace).
    const made = await a.evaluate(
      async ([ws, title, bId]) => {
        const c = window.pacte.client;
        const members = await c.request('workspaces.members', { workspace: ws });
        const org = (word) => members.organisations.find((o) => `${o.short} ${o.name}`.includes(word))?.id;
        const csab = org('Biollay');
        const moulins = org('Moulins');
        const copres = members.people.filter((p) => p.organisations.includes(moulins) && p.id !== bId).slice(0, 2);
        const signatories = [
          { person: bId, organisation: csab, capacity: 'Équipe du centre' },
          ...copres.map((p) => ({ person: p.id, organisation: moulins, capacity: 'co-président·e' })),
        ];
        const r = await c.request('signatures.campaign.create', {
          workspace: ws,
          title,
          text: `Avenant au pacte de coopération, ${title}.`,
          signatories,
        });
        return { campaign: r.campaign.id, moulins: copres.length };
      },
      [state.ws, CAMPAIGN, me],
    );
    if (made.moulins !== 2) fail(`the copil has ${made.moulins} members of Moulins to sign, expected 2`);
    await runOk(a, '/sign status');
    const card = a.locator(`${q.answer} ${q.card}`).last();
    const rows = await card.locator(q.progress).evaluateAll((els) =>
      els.map((e) => [e.querySelector('.card-progress-label')?.textContent?.trim(), e.querySelector('.card-progress-count')?.textContent?.trim()]),
    );
    const counts = Object.fromEntries(rows);
    const moulinsRow = rows.find(([label]) => (label ?? '').includes('Moulins'));
    if (!moulinsRow || moulinsRow[1] !== '0 / 2' || Object.keys(counts).length !== 2)
      fail(`/sign status shows the progress ${JSON.stringify(rows)}, expected two organisations with Moulins at 0 / 2`);
    await shot(a, 'chat-meeting-sign-status.png');
    const reminded = await runOk(a, '/sign remind moulins');
    if (!reminded.includes('2 rappel(s) envoyé(s)')) fail(`/sign remind moulins answers "${reminded}"`);
    await dismissAnswers(a);

    // A watches the campaign's thread; B signs after the card's "Signer" button.
    await a.click(sel.tabDiscussion).catch(() => {});
    const thread = `Signature : ${CAMPAIGN}`;
    for (const page of [a, b]) {
      await page.click(sel.tabDiscussion).catch(() => {});
      const item = page.locator(sel.threadItem, { hasText: thread }).first();
      try {
        await item.waitFor({ state: 'visible', timeout: T.normal });
      } catch {
        fail(`the campaign's thread "${thread}" is not listed`);
      }
      await item.click();
      await page.locator(sel.threadTitle, { hasText: CAMPAIGN }).waitFor({ state: 'visible' });
    }
    const campaignCard = (page) => page.locator(`${sel.message} ${q.card}[data-card-key="signatures:campaign:${made.campaign}"]`).last();
    await campaignCard(b).locator(q.action, { hasText: 'Signer' }).click();
    try {
      await campaignCard(b).locator('[data-testid="card-outcome-link"]').first().waitFor({ state: 'visible', timeout: T.short });
    } catch {
      fail(`"Signer" does not open the signature for B (outcome: "${(await campaignCard(b).locator(q.outcome).textContent())?.trim()}")`);
    }
    const signed = await b.evaluate(async (campaign) => {
      const c = window.pacte.client;
      const opened = await c.request('signatures.open', { campaign });
      await c.request('signatures.sign', { campaign, version_hash: opened.version_hash, consent_hash: opened.consent.hash });
      return true;
    }, made.campaign);
    if (!signed) fail('B could not sign');
    try {
      await a.waitForFunction(
        (selector) => {
          const all = document.querySelectorAll(selector);
          const card = all[all.length - 1];
          return !!card && (card.querySelector('[data-testid="card-subtitle"]')?.textContent ?? '').startsWith('1 / 3');
        },
        `${sel.message} ${q.card}[data-card-key="signatures:campaign:${made.campaign}"]`,
        { timeout: T.normal },
      );
    } catch {
      fail('A’s campaign card does not show B’s signature (1 / 3) without a reload');
    }
    if (!(await a.evaluate(() => window.__e2eNoReload === true))) fail('A reloaded the page');
    await runAxe(a, 'the campaign thread with its live card');
    await shot(a, 'chat-meeting-signature-card.png');
  });
}
