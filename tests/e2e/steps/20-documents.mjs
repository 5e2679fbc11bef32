// The documents plugin (plugins/documents): its "Textes" tab in the workspace `pacte`
// (owner: the Ville; members: the five other organisations). A partner (the CSAB's team,
// S.b) proposes a change to article 5 of the frozen pact; the owner (the Ville's team,
// S.a) accepts it into a new draft; the redline shows "deux" struck out and "trois"
// inserted; freezing that draft is refused with the reason (no board validated it).

const TAB = '[data-testid="tab-plugin"][data-plugin="documents"]';
const PANEL = 'pacte-panel-documents';

export default function ({ step, S, fail, openWorkspace, runAxe, shot, textOf, T, RUN }) {
  const rationale = `Trois ans laissent le temps d'évaluer le pacte (${RUN}).`;

  async function openDocuments(page, who) {
    await openWorkspace(page, 'pacte');
    const tab = page.locator(TAB);
    try {
      await tab.waitFor({ state: 'visible', timeout: T.short });
    } catch {
      fail(`${who} has no "Textes" tab in the workspace pacte`);
    }
    const label = (await tab.textContent()).trim();
    if (label !== 'Textes') fail(`the documents tab reads "${label}", expected "Textes"`);
    await tab.click();
    await page.waitForURL(/\/w\/\d+\/p\/documents$/);
    try {
      await page.locator(`${PANEL} [data-testid="documents-hash"]`).waitFor({ state: 'visible' });
    } catch {
      const text = (await page.locator(PANEL).textContent().catch(() => ''))?.replace(/\s+/g, ' ').trim();
      fail(`${who}: the documents panel shows no version (it shows: "${text}")`);
    }
  }

  step('documents: a partner reads the frozen pact with its hash and proposes a change to article 5', async () => {
    const { page } = S.b;
    await openDocuments(page, 'B (CSAB)');
    const hash = await textOf(page, `${PANEL} [data-testid="documents-hash"]`, 'the version hash');
    if (!/^[0-9a-f]{64}$/.test(hash)) fail(`the hash shown is not a SHA-256: "${hash}"`);
    const status = await textOf(page, `${PANEL} [data-testid="documents-version-status"]`, 'the version status');
    if (status !== 'figée pour signature') fail(`version 1 shows the status "${status}", expected "figée pour signature"`);
    const art5 = page.locator(`${PANEL} [data-section="art.5"]`);
    await art5.waitFor({ state: 'visible' });
    if (!(await art5.textContent()).includes('durée de deux ans')) fail('article 5 does not show "durée de deux ans"');
    await shot(page, 'documents-read.png');
    await runAxe(page, 'documents panel (read)');

    await page.click(`${PANEL} [data-testid="documents-propose-art.5"]`);
    const body = page.locator(`${PANEL} [data-testid="documents-form-body"]`);
    await body.waitFor({ state: 'visible' });
    const current = await body.inputValue();
    if (!current.includes('deux ans')) fail(`the proposal form is not prefilled with article 5 ("${current.slice(0, 80)}")`);
    await body.fill(current.replace('deux ans', 'trois ans'));
    await page.fill(`${PANEL} [data-testid="documents-form-rationale"]`, rationale);
    await page.click(`${PANEL} [data-testid="documents-form-submit"]`);
    const mine = page.locator(`${PANEL} [data-testid="documents-proposal"]`, { hasText: RUN });
    try {
      await mine.first().waitFor({ state: 'visible' });
    } catch {
      const err = await page.locator(`${PANEL} .form-error`).allTextContents();
      fail(`the proposal does not show in the list (errors: ${err.join(' | ')})`);
    }
    const st = (await mine.first().locator('[data-testid="documents-proposal-status"]').textContent()).trim();
    if (st !== 'ouverte') fail(`the new proposal's status reads "${st}", expected "ouverte"`);
    const del = await mine.first().locator('del').allTextContents();
    const ins = await mine.first().locator('ins').allTextContents();
    if (!del.some((t) => t.includes('deux')) || !ins.some((t) => t.includes('trois')))
      fail(`the proposal's redline does not show deux → trois (del: ${JSON.stringify(del)}, ins: ${JSON.stringify(ins)})`);
    await mine.first().scrollIntoViewIfNeeded();
    await shot(page, 'documents-proposal.png');
    await runAxe(page, 'documents panel (proposals)');
  });

  step('documents: the owner accepts it into a new draft and the redline shows the change', async () => {
    const { page } = S.a;
    await openDocuments(page, 'A (Ville)');
    await page.click(`${PANEL} [data-testid="documents-tab-proposals"]`);
    const proposal = page.locator(`${PANEL} [data-testid="documents-proposal"]`, { hasText: RUN }).first();
    await proposal.waitFor({ state: 'visible' });
    await proposal.locator('[data-testid="documents-accept"]').click();
    try {
      await page.waitForFunction(
        ([panel, run]) =>
          [...document.querySelectorAll(`${panel} [data-testid="documents-proposal"]`)].some(
            (el) => el.textContent.includes(run) && el.querySelector('[data-testid="documents-proposal-status"]')?.textContent.trim() === 'acceptée',
          ),
        [PANEL, RUN],
        { timeout: T.normal },
      );
    } catch {
      const err = await page.locator(`${PANEL} [data-testid="documents-action-error"]`).textContent();
      fail(`the proposal is not shown accepted (error: "${err?.trim()}")`);
    }
    const announced = await textOf(page, `${PANEL} [data-testid="documents-status"]`, 'the announcement');
    if (!/version \d+ \(brouillon\)/.test(announced)) fail(`the acceptance is announced as "${announced}"`);

    await page.click(`${PANEL} [data-testid="documents-tab-compare"]`);
    await page.click(`${PANEL} [data-testid="documents-cmp-run"]`);
    const art5 = page.locator(`${PANEL} [data-testid="documents-redline"] [data-section="art.5"]`);
    try {
      await art5.waitFor({ state: 'visible' });
    } catch {
      fail('the comparison shows no change to article 5');
    }
    const del = (await art5.locator('del').allTextContents()).join(' ');
    const ins = (await art5.locator('ins').allTextContents()).join(' ');
    // The marks are in the text too (for screen readers and without colours).
    if (!/suppression : deux/.test(del) || !/ajout : trois/.test(ins))
      fail(`the redline of article 5 reads del "${del}" / ins "${ins}", expected deux → trois`);
    const style = await art5.locator('del').first().evaluate((el) => getComputedStyle(el).textDecorationLine);
    if (!style.includes('line-through')) fail(`deleted text is not struck through (text-decoration: ${style})`);
    await art5.scrollIntoViewIfNeeded();
    await shot(page, 'documents-redline.png');
    await runAxe(page, 'documents panel (redline)');
  });

  step('documents: the owner moves the new draft to review; freezing is refused with the reason', async () => {
    const { page } = S.a;
    await page.click(`${PANEL} [data-testid="documents-tab-read"]`);
    // The newest version comes first in the list.
    const select = page.locator(`${PANEL} [data-testid="documents-version-select"]`);
    const newest = await select.locator('option').first().getAttribute('value');
    await select.selectOption(newest);
    await page.waitForFunction(
      (panel) => document.querySelector(`${panel} [data-testid="documents-version-status"]`)?.textContent.trim() === 'brouillon',
      PANEL,
    );
    const art5 = await page.locator(`${PANEL} [data-section="art.5"]`).textContent();
    if (!art5.includes('trois ans')) fail('the new draft does not contain the accepted change');
    for (const [button, status] of [
      ['documents-propose', 'proposée'],
      ['documents-review', 'en cours de validation'],
    ]) {
      await page.click(`${PANEL} [data-testid="${button}"]`);
      try {
        await page.waitForFunction(
          ([panel, want]) => document.querySelector(`${panel} [data-testid="documents-version-status"]`)?.textContent.trim() === want,
          [PANEL, status],
        );
      } catch {
        fail(`after ${button} the status is not "${status}"`);
      }
    }
    await page.click(`${PANEL} [data-testid="documents-freeze"]`);
    const reason = await textOf(page, `${PANEL} [data-testid="documents-action-error"]`, 'the refusal to freeze');
    if (!/impossible de figer/i.test(reason) || !/n'a pas validé ce texte/.test(reason))
      fail(`freezing an unvalidated draft shows "${reason}"`);
    await page.click(`${PANEL} [data-testid="documents-tab-validations"]`);
    const missing = await page.locator(`${PANEL} [data-testid="documents-required"][data-state="missing"]`).count();
    if (missing !== 4) fail(`the validations view lists ${missing} missing boards, expected 4`);
    await shot(page, 'documents-freeze-refused.png');
    // Version 1's validations: the seed's four boards, two dates known only to the month.
    await page.click(`${PANEL} [data-testid="documents-tab-read"]`);
    await select.selectOption(await select.locator('option').last().getAttribute('value'));
    await page.click(`${PANEL} [data-testid="documents-tab-validations"]`);
    const rows = page.locator(`${PANEL} [data-testid="documents-validation"]`);
    try {
      await page.waitForFunction((s) => document.querySelectorAll(s).length === 4, `${PANEL} [data-testid="documents-validation"]`);
    } catch {
      fail(`version 1 shows ${await rows.count()} validations, expected the seed's 4`);
    }
    const table = (await page.locator(`${PANEL} [data-testid="documents-validations"] table`).textContent()).replace(/\s+/g, ' ');
    if (!table.includes('DCM-2023-117') || !table.includes('mars 2023 (jour non connu)') || !table.includes('15 mars 2023')) fail(`the validations table reads "${table.slice(0, 300)}"`);
    await rows.first().scrollIntoViewIfNeeded();
    await shot(page, 'documents-validations.png');
    await runAxe(page, 'documents panel (validations of version 1)');
    await runAxe(page, 'documents panel (validations)');
  });

  step('documents: the panel fits a phone (360×740) and is accessible there', async () => {
    const { page } = S.b;
    await page.setViewportSize({ width: 360, height: 740 });
    try {
      await page.click(`${PANEL} [data-testid="documents-tab-compare"]`);
      await page.click(`${PANEL} [data-testid="documents-cmp-run"]`);
      const art5 = page.locator(`${PANEL} [data-testid="documents-redline"] [data-section="art.5"]`);
      await art5.waitFor({ state: 'visible' });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 1) fail(`the documents panel scrolls sideways by ${overflow}px on a phone`);
      await art5.scrollIntoViewIfNeeded();
      await shot(page, 'documents-phone.png');
      await runAxe(page, 'documents panel on a phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  step('documents: a partner comments on a section; the thread shows it', async () => {
    const { page } = S.b;
    await page.click(`${PANEL} [data-testid="documents-tab-read"]`);
    const toggle = page.locator(`${PANEL} [data-testid="documents-section-comments-art.6"]`);
    await toggle.click();
    const field = page.locator(`${PANEL} #doc-comment-s-art-6`);
    await field.waitFor({ state: 'visible' });
    const text = `Le préavis de 3 mois nous convient (${RUN}).`;
    await field.fill(text);
    await page.locator(`${PANEL} [data-section="art.6"] .doc-thread button[type="submit"]`).click();
    try {
      await page.locator(`${PANEL} [data-section="art.6"] .doc-thread li`, { hasText: RUN }).waitFor({ state: 'visible' });
    } catch {
      fail('the comment on article 6 does not show in its thread');
    }
    if ((await field.inputValue()) !== '') fail('the comment field was not emptied after sending');
    await runAxe(page, 'documents panel (section comments)');
  });

  step('documents: the owner records a board validation of the draft through the form', async () => {
    const { page } = S.a;
    const select = page.locator(`${PANEL} [data-testid="documents-version-select"]`);
    await select.selectOption(await select.locator('option').first().getAttribute('value'));
    await page.waitForFunction(
      (panel) => document.querySelector(`${panel} [data-testid="documents-version-status"]`)?.textContent.trim() === 'en cours de validation',
      PANEL,
    );
    await page.click(`${PANEL} [data-testid="documents-tab-validations"]`);
    await page.click(`${PANEL} [data-testid="documents-record"]`);
    const org = page.locator(`${PANEL} #doc-form-organisation`);
    await org.selectOption({ label: 'Association de Quartier du Centre-Ville' });
    await page.fill(`${PANEL} #doc-form-instance`, "conseil d'administration");
    await page.fill(`${PANEL} #doc-form-date`, '2026-05');
    await page.click(`${PANEL} .doc-form button[type="submit"]`);
    try {
      await page.waitForFunction(
        (panel) => {
          const items = [...document.querySelectorAll(`${panel} [data-testid="documents-required"]`)];
          return items.some((el) => el.textContent.includes('Association de Quartier du Centre-Ville') && el.dataset.state === 'approved');
        },
        PANEL,
      );
    } catch {
      const err = await page.locator(`${PANEL} .doc-form .form-error`).textContent().catch(() => '');
      fail(`the AQCV validation is not counted for the draft (form error: "${err?.trim()}")`);
    }
    const table = (await page.locator(`${PANEL} [data-testid="documents-validations"] table`).textContent()).replace(/\s+/g, ' ');
    if (!table.includes('mai 2026 (jour non connu)') || !table.includes('cette version')) fail(`the validations table reads "${table}"`);
    await runAxe(page, 'documents panel (a validation recorded)');
  });
}
