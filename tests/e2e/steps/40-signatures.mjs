import fs from 'node:fs';

// The signatures plugin (plugins/signatures): a signatory of the pact reads the frozen
// text and its hash, consents and signs in the browser, and the owner's dashboard (a
// second browser context) shows the organisation's progress move live. The certificate
// and the evidence bundle are then downloaded.

const MOULINS = [
  'agnes.daffos@cs-moulins.example',
  'christelle.schermesser@cs-moulins.example',
  'malvina.canton@cs-moulins.example',
  'pascal.bilbille@cs-moulins.example',
  'henry.magnin@cs-moulins.example',
  'wilbert.jimenez@cs-moulins.example',
  'christophe.reguillon@cs-moulins.example',
  'abderrahim.kanfous@cs-moulins.example',
];

// The other signatories, for the full run (PACTE_E2E_SIGN_ALL=1): every one of the
// fourteen signs in the browser and the campaign completes. Off by default, since it
// needs a fresh data folder each time.
const OTHERS = [
  'thierry.repentin@ville-chambery.example',
  'alain.collet@caf73.example',
  'daniel.bret@federation-cs-2savoie.example',
  'vincent.clerc@caf73.example',
  'corinne.mezrich@biollay.example',
  'martine.wadier@aqcv.example',
];
const SIGN_ALL = process.env.PACTE_E2E_SIGN_ALL === '1';

const tab = '[data-testid="tab-plugin"][data-plugin="signatures"]';
const campaign = 'pacte-panel-signatures [data-testid="sig-campaign"]';
const moulins = 'pacte-panel-signatures [data-testid="sig-org-moulins"]';

export default function ({ step, S, fail, newPage, signIn, openWorkspace, serverBarrier, runAxe, shot, T, BASE, SHOTS }) {
  async function openSignatures(page, who) {
    await openWorkspace(page, 'pacte');
    try {
      await page.locator(tab).waitFor({ state: 'visible', timeout: T.short });
    } catch {
      fail(`${who} has no "Signatures" tab in the pacte workspace`);
    }
    await page.locator(tab).click();
    await page.waitForURL(/\/w\/\d+\/p\/signatures$/);
    try {
      await page.locator(campaign).first().waitFor({ state: 'visible' });
    } catch {
      const text = (await page.locator('pacte-plugin-panel').textContent().catch(() => ''))?.replace(/\s+/g, ' ').trim();
      fail(`${who}: the signatures panel shows no campaign (it shows: "${text}")`);
    }
  }

  /** "Moulins 3/8" → 3. */
  async function moulinsSigned(page) {
    const text = ((await page.locator(`${moulins} strong`).textContent()) ?? '').trim();
    const m = /Moulins (\d+)\/8/.exec(text);
    if (!m) fail(`the Moulins progress reads "${text}", expected "Moulins N/8"`);
    return Number(m[1]);
  }

  step('signatures: the owner sees the progress of each organisation of the pact', async () => {
    const { page } = S.a;
    await openSignatures(page, 'A (Ville)');
    const orgs = await page.locator('pacte-panel-signatures [data-testid^="sig-org-"]').count();
    if (orgs !== 6) fail(`the dashboard shows ${orgs} organisations, expected 6`);
    S.sigBefore = await moulinsSigned(page);
    const hash = ((await page.locator('pacte-panel-signatures [data-testid="sig-hash"]').first().textContent()) ?? '').trim();
    if (!/^[0-9a-f]{64}$/.test(hash)) fail(`the campaign shows no SHA-256 hash (got "${hash}")`);
    S.sigHash = hash;
    await runAxe(page, 'signatures dashboard');
  });

  step('signatures: a Moulins co-president reads the text, consents and signs; the dashboard updates live', async () => {
    let signer = null;
    for (const email of MOULINS) {
      const ctx = await newPage(S.browser, `signatory ${email}`);
      await signIn(ctx.page, email);
      await openSignatures(ctx.page, email);
      await serverBarrier(ctx.page);
      if ((await ctx.page.locator('pacte-panel-signatures [data-testid="sig-open"]').count()) > 0) {
        signer = { ...ctx, email };
        break;
      }
      await ctx.context.close();
    }
    if (!signer) fail('every Moulins co-president has already signed (run the e2e on a fresh data folder)');
    const { page } = signer;
    await page.click('pacte-panel-signatures [data-testid="sig-open"]');
    await page.locator('pacte-panel-signatures [data-testid="sig-text"]').waitFor({ state: 'visible' });
    const text = (await page.locator('pacte-panel-signatures [data-testid="sig-text"]').textContent()) ?? '';
    if (!text.includes('Pacte')) fail('the frozen text is not shown before signing');
    const mine = (await page.locator('pacte-panel-signatures [data-testid="sig-mine"]').textContent()) ?? '';
    if (!mine.includes(S.sigHash)) fail('the text\'s hash is not shown next to it');
    if (!(await page.locator('pacte-panel-signatures [data-testid="sig-sign"]').isDisabled()))
      fail('the sign button is enabled before the consent box is ticked');
    await page.check('pacte-panel-signatures [data-testid="sig-consent"]');
    await runAxe(page, 'signing form');
    await shot(page, 'signatures-sign.png');
    await page.click('pacte-panel-signatures [data-testid="sig-sign"]');
    try {
      await page.locator('pacte-panel-signatures [data-testid="sig-mine-done"]').waitFor({ state: 'visible', timeout: T.short });
    } catch {
      const err = await page.locator('pacte-panel-signatures .form-error').allTextContents();
      fail(`${signer.email}: no confirmation after signing (${err.join(' ') || 'no error shown'})`);
    }
    // The owner's dashboard, in another browser context, follows the event.
    const want = `Moulins ${S.sigBefore + 1}/8`;
    try {
      await S.a.page.waitForFunction(
        ([s, w]) => (document.querySelector(s)?.textContent ?? '').includes(w),
        [`${moulins} strong`, want],
        { timeout: T.short },
      );
    } catch {
      fail(`the owner's dashboard does not show "${want}" after the signature`);
    }
    await shot(S.a.page, 'signatures-dashboard.png');
    S.sigSigner = signer;
  });

  step('signatures: the certificate and the evidence bundle download; the panel fits a phone', async () => {
    const { page, context } = S.sigSigner;
    const href = await page.locator('pacte-panel-signatures a[href*="/p/signatures/bundle/"]').first().getAttribute('href');
    const bundle = await context.request.get(`${BASE}${href}`);
    if (bundle.status() !== 200) fail(`the bundle link answers ${bundle.status()}`);
    const json = await bundle.json();
    if (json.format !== 'pacte-signatures-bundle' || json.version_hash !== S.sigHash)
      fail(`the bundle is not the campaign's evidence (format ${json.format}, hash ${json.version_hash})`);
    const cert = await context.request.get(`${BASE}${href.replace('/bundle/', '/certificate/')}`);
    const html = await cert.text();
    if (cert.status() !== 200 || !html.includes('Certificat de signature')) fail(`the certificate page answers ${cert.status()}`);
    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    if (overflow) fail('the signatures panel overflows a 360 px wide screen');
    await shot(page, 'signatures-phone.png');
    await S.sigSigner.context.close();
  });

  if (!SIGN_ALL) return;

  step('signatures (full run): every other signatory signs in the browser; the campaign completes', async () => {
    for (const email of [...OTHERS, ...MOULINS]) {
      const { page, context } = await newPage(S.browser, `signatory ${email}`);
      await signIn(page, email);
      await openSignatures(page, email);
      await serverBarrier(page);
      if ((await page.locator('pacte-panel-signatures [data-testid="sig-open"]').count()) === 0) {
        await context.close();
        continue; // already signed (the Moulins co-president of the previous step)
      }
      await page.click('pacte-panel-signatures [data-testid="sig-open"]');
      await page.check('pacte-panel-signatures [data-testid="sig-consent"]');
      await page.click('pacte-panel-signatures [data-testid="sig-sign"]');
      await page.locator('pacte-panel-signatures [data-testid="sig-mine-done"]').waitFor({ state: 'visible', timeout: T.short });
      await context.close();
      const overall = ((await S.a.page.locator('pacte-panel-signatures [data-testid="sig-overall"]').textContent()) ?? '').trim();
      console.log(`   ${email} signed; the owner's dashboard reads "${overall}"`);
    }
    try {
      await S.a.page.locator('pacte-panel-signatures [data-testid="sig-dates"]').waitFor({ state: 'visible', timeout: T.short });
    } catch {
      fail('the campaign shows no dates after the fourteenth signature');
    }
    const overall = ((await S.a.page.locator('pacte-panel-signatures [data-testid="sig-overall"]').textContent()) ?? '').trim();
    if (!overall.startsWith('14 ')) fail(`the dashboard reads "${overall}" after every signature`);
    // A termination letter received after the first notice deadline: a warning.
    const deadline = await S.a.page.evaluate(async () => {
      const ws = Number(location.pathname.split('/')[2]);
      const r = await window.pacte.client.request('signatures.campaign.list', { workspace: ws });
      return r.campaigns[0].dates.notice_deadlines[0];
    });
    const late = new Date(`${deadline}T12:00:00Z`);
    late.setUTCDate(late.getUTCDate() + 2);
    const day = late.toISOString().slice(0, 10);
    await S.a.page.fill('pacte-panel-signatures input[name="sent_on"]', day);
    await S.a.page.fill('pacte-panel-signatures input[name="received_on"]', day);
    await S.a.page.click('pacte-panel-signatures form.sig-form button[type="submit"]');
    try {
      await S.a.page.locator('pacte-panel-signatures form.sig-form [role="status"]', { hasText: 'après la date limite' }).waitFor({ timeout: T.short });
    } catch {
      fail('recording a late termination letter shows no warning');
    }
    await S.a.page.locator('pacte-panel-signatures [data-testid="sig-dates"]').scrollIntoViewIfNeeded();
    await shot(S.a.page, 'signatures-completed.png');
    const href = await S.a.page.locator('pacte-panel-signatures a[href*="/p/signatures/certificate/"]').first().getAttribute('href');
    const cert = await S.a.context.newPage();
    await cert.goto(`${BASE}${href}`);
    await runAxe(cert, 'certificate');
    await cert.screenshot({ path: `${SHOTS}/signatures-certificate.png`, fullPage: true });
    const bundle = await S.a.context.request.get(`${BASE}${href.replace('/certificate/', '/bundle/')}`);
    fs.writeFileSync(`${SHOTS}/signatures-bundle.json`, await bundle.text());
    await cert.close();
  });
}
