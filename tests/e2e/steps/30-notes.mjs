// Live shared notes (plugins/notes): three browser contexts (A, B and a third member of
// the copil) type in one note at once, emoji included, and converge; B drops its
// connection, keeps typing, and its text arrives once; the others' cursors show names.
const THIRD = 'equipe@aqcv.example'; // a member of the copil through the AQCV

export default function ({ step, S, fail, newPage, signIn, openWorkspace, serverBarrier, runAxe, shot, T, RUN }) {
  const TITLE = `Notes du copil ${RUN}`;
  const tab = '[data-testid="tab-plugin"][data-plugin="notes"]';
  const editor = 'pacte-panel-notes [data-testid="notes-editor"]';
  const pages = () => [S.a.page, S.b.page, S.notesC.page];
  const names = ['A', 'B', 'C'];

  async function openNotesTab(page, who) {
    try {
      await page.locator(tab).waitFor({ state: 'visible', timeout: T.short });
    } catch {
      fail(`${who} has no "Notes partagées" tab in the copil`);
    }
    await page.locator(tab).click();
    await page.waitForURL(/\/w\/\d+\/p\/notes$/);
    await page.locator('pacte-panel-notes h2').waitFor({ state: 'visible' });
  }

  async function openNote(page, who) {
    const button = page.locator('pacte-panel-notes [data-testid="notes-open"]', { hasText: TITLE });
    try {
      await button.first().waitFor({ state: 'visible', timeout: T.normal });
    } catch {
      fail(`${who} does not see the note "${TITLE}" in the list`);
    }
    await button.first().click();
    await page.locator(editor).waitFor({ state: 'visible' });
  }

  /** Waits until every page shows the same text with nothing left to send. */
  async function converged(what) {
    const deadline = Date.now() + T.normal;
    let values = [];
    for (;;) {
      for (const page of pages()) {
        await page
          .locator('pacte-panel-notes [data-testid="notes-sync"][data-state="saved"]')
          .waitFor({ timeout: T.normal })
          .catch(() => {});
        await serverBarrier(page);
      }
      values = await Promise.all(pages().map((p) => p.locator(editor).inputValue()));
      if (values.every((v) => v === values[0])) return values[0];
      if (Date.now() > deadline) break;
    }
    fail(`${what}: the three texts differ:\n${values.map((v, i) => `  ${names[i]}: ${JSON.stringify(v)}`).join('\n')}`);
  }

  /** Puts the caret at the end of the line that starts with `prefix`. */
  async function caretAfter(page, prefix) {
    await page.locator(editor).click();
    const ok = await page.locator(editor).evaluate((ta, p) => {
      const start = ta.value.indexOf(p);
      if (start < 0) return false;
      const end = ta.value.indexOf('\n', start);
      const at = end < 0 ? ta.value.length : end;
      ta.setSelectionRange(at, at);
      return true;
    }, prefix);
    if (!ok) fail(`no line "${prefix}" in the note`);
  }

  step('notes: A creates a note in the copil; B and a third member open it', async () => {
    const a = S.a.page;
    await openWorkspace(a, 'copil'); // an earlier step may have left A elsewhere
    await openNotesTab(a, 'A');
    await a.fill('pacte-panel-notes [data-testid="notes-new-title"]', TITLE);
    await a.click('pacte-panel-notes [data-testid="notes-create"]');
    await a.locator(editor).waitFor({ state: 'visible' });
    await a.locator(editor).click();
    await a.keyboard.type('Ordre du jour\nA:\nB:\nC:');
    await openWorkspace(S.b.page, 'copil');
    await openNotesTab(S.b.page, 'B');
    await openNote(S.b.page, 'B');
    S.notesC = await newPage(S.browser, 'C');
    await signIn(S.notesC.page, THIRD);
    await openWorkspace(S.notesC.page, 'copil');
    await openNotesTab(S.notesC.page, 'C');
    await openNote(S.notesC.page, 'C');
    const text = await converged('after A typed the outline');
    if (text !== 'Ordre du jour\nA:\nB:\nC:') fail(`unexpected text ${JSON.stringify(text)}`);
  });

  step('notes: A, B and C type at once, with emoji, and converge', async () => {
    const typed = [' Alpha 👍🏽 café, ', ' Bravo 中文 😀 ', ' Charlie e\u0301 🇫🇷 👨‍👩‍👧 '];
    await Promise.all(pages().map((p, i) => caretAfter(p, `${names[i]}:`)));
    await Promise.all(pages().map((p, i) => p.locator(editor).pressSequentially(typed[i], { delay: 15 })));
    const text = await converged('after typing at once');
    const expected = `Ordre du jour\nA:${typed[0]}\nB:${typed[1]}\nC:${typed[2]}`;
    if (text !== expected) fail(`the text is ${JSON.stringify(text)}, expected ${JSON.stringify(expected)}`);
  });

  step('notes: the others\u2019 cursors show with their names', async () => {
    const a = S.a.page;
    // B moves its caret: A sees B's label.
    await caretAfter(S.b.page, 'B:');
    await S.b.page.keyboard.press('ArrowLeft');
    try {
      await a
        .locator('pacte-panel-notes [data-testid="notes-people"] li', { hasText: /ligne 3/ })
        .first()
        .waitFor({ state: 'visible', timeout: T.short });
    } catch {
      const seen = await a.locator('pacte-panel-notes [data-testid="notes-people"]').textContent().catch(() => '');
      fail(`A does not see B's cursor on line 3 (sees: ${JSON.stringify(seen?.replace(/\s+/g, ' ').trim())})`);
    }
    const labels = await a.locator('pacte-panel-notes .notes-caret-label').allTextContents();
    if (!labels.some((l) => l.trim().length > 0)) fail('the remote carets have no name');
    await shot(a, 'notes-panel.png');
    await runAxe(a, 'the notes panel');
    // On a phone-sized window the editor fits the width.
    const c = S.notesC.page;
    await c.setViewportSize({ width: 360, height: 740 });
    await c.locator(editor).scrollIntoViewIfNeeded();
    const box = await c.locator(editor).boundingBox();
    if (!box || box.x < 0 || box.x + box.width > 361) fail(`the editor does not fit 360 px (${JSON.stringify(box)})`);
    await shot(c, 'notes-phone.png');
    await runAxe(c, 'the notes panel on a phone');
  });

  step('notes: B loses its connection, keeps typing, and its text arrives once', async () => {
    const b = S.b.page;
    await b.evaluate(() => window.__pacteNet.down());
    await b.locator('pacte-panel-notes [data-testid="notes-sync"][data-state="offline"]').waitFor({ timeout: T.short });
    await caretAfter(b, 'B:');
    await b.keyboard.type(' hors ligne 🙂');
    await caretAfter(S.a.page, 'A:');
    await S.a.page.keyboard.type(' pendant ce temps');
    await b.evaluate(() => window.__pacteNet.up());
    await b.locator('pacte-panel-notes [data-testid="notes-sync"][data-state="saved"]').waitFor({ timeout: T.reconnect });
    const text = await converged('after B reconnected');
    const count = text.split('hors ligne 🙂').length - 1;
    if (count !== 1) fail(`B's offline text shows ${count} times in ${JSON.stringify(text)}`);
    if (!text.includes('pendant ce temps')) fail('A\u2019s text is missing');
  });

  step('notes: A names a version and looks at an earlier revision (time slider)', async () => {
    const a = S.a.page;
    await a.locator('pacte-panel-notes [data-testid="notes-history"] summary').click();
    await a.fill('#notes-version-name', 'Relu en séance');
    await a.click('pacte-panel-notes .notes-history button[type="submit"]');
    const item = a.locator('pacte-panel-notes .notes-versions li', { hasText: 'Relu en séance' });
    try {
      await item.waitFor({ state: 'visible', timeout: T.short });
    } catch {
      fail('the named version does not show in the list');
    }
    // Revision 1 holds the first character A typed.
    await a.locator('#notes-slider').fill('1');
    await a.click('pacte-panel-notes .notes-slider button');
    const past = a.locator('pacte-panel-notes .notes-past-text');
    await past.waitFor({ state: 'visible', timeout: T.short });
    const text = await past.textContent();
    if (text !== 'O') fail(`the text at revision 1 is ${JSON.stringify(text)}, expected "O"`);
    await past.scrollIntoViewIfNeeded();
    await shot(a, 'notes-history.png');
    await runAxe(a, 'the notes history');
  });

  step('notes: a link with ?note= opens the note directly', async () => {
    const a = S.a.page;
    const id = await a.locator('pacte-panel-notes [data-testid="notes-open-note"]').getAttribute('data-note');
    const url = new URL(a.url());
    const c = S.notesC.page;
    await c.goto(`${url.origin}${url.pathname}?note=${id}`);
    await c.locator(editor).waitFor({ state: 'visible' });
    const [mine, theirs] = await Promise.all([a.locator(editor).inputValue(), c.locator(editor).inputValue()]);
    if (mine !== theirs) fail(`the linked note shows ${JSON.stringify(theirs)}, A has ${JSON.stringify(mine)}`);
  });
}
