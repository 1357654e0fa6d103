// Finance staff run a program's money from the console in Debian's Chromium, with maker-checker
// between two people at each step:
//   1. the maker starts an allocation run; their own run page has no Approve button;
//   2. the checker approves it (the maker is shown as its creator) and explains a share;
//   3. the maker creates a PayPal batch; again no Approve button for them;
//   4. the checker approves the batch, downloads its payouts file, uploads PayPal's results
//      built from that file, sees the report, uploads the same file again and sees that nothing
//      changed, downloads an export and reads the program settings;
//   5. an administrator changes the weighting rule of a program still in setup.
// Every screen gets a screenshot and an axe-core run; any serious or critical violation fails.
// The context bypasses the CSP only so that axe-core can be injected; the pages run no script.
// Usage: node tests/e2e/console_finance.mjs BASE_URL MAKER MAKER_PASSWORD CHECKER CHECKER_PASSWORD
//          ADMIN ADMIN_PASSWORD SETUP_PROGRAM_ID OUTPUT_DIR
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [base, maker, makerPassword, checker, checkerPassword, admin, adminPassword, setupProgram, outputDir] =
  process.argv.slice(2);
mkdirSync(outputDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
function fail(message) { console.error(`FAIL ${message}`); failures++; }
function expect(condition, message) { if (!condition) fail(message); }

async function audit(page, name) {
  await page.screenshot({ path: `${outputDir}/${name}.png`, fullPage: true });
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => await window.axe.run(document));
  for (const violation of result.violations) {
    if (violation.impact === 'serious' || violation.impact === 'critical') {
      fail(`${name}: ${violation.id} (${violation.impact}): ${violation.help}`);
    }
  }
}

// The innermost element reaching furthest past the viewport's right edge, to name in a failure.
async function widest(page) {
  return page.evaluate(() => {
    let found = '';
    let right = window.innerWidth;
    const clipped = (element) => {
      for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        if (getComputedStyle(parent).overflowX !== 'visible') return true;
      }
      return false;
    };
    for (const element of document.querySelectorAll('main *')) {
      if (clipped(element)) continue;
      const edge = element.getBoundingClientRect().right;
      if (edge > right) { right = edge; found = `${element.tagName.toLowerCase()}.${element.className} "${element.textContent.slice(0, 40)}"`; }
    }
    return found;
  });
}

async function text(page, selector) { return ((await page.textContent(selector)) ?? '').trim(); }

async function signIn(page, username, password) {
  await page.goto(`${base}/admin/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/admin/`);
}

async function signOut(page) {
  await page.click('text=Sign out');
  await page.waitForURL(`${base}/admin/login`);
}

async function download(page, action) {
  const [file] = await Promise.all([page.waitForEvent('download'), action()]);
  return { name: file.suggestedFilename(), content: readFileSync(await file.path(), 'utf8') };
}

// PayPal's item results for every item of our payouts file, each one paid in full.
function paypalResults(payoutsCsv) {
  const [header, ...rows] = payoutsCsv.trim().split(/\r?\n/);
  const columns = header.split(',');
  const column = (name) => columns.indexOf(name);
  const lines = ['sender_item_id,payout_item_id,transaction_status,amount,currency,time'];
  for (const row of rows) {
    const fields = row.split(',');
    const reference = fields[column('sender_item_id')];
    lines.push([reference, `PPI-${reference}`, 'SUCCESS', fields[column('amount')],
                fields[column('currency')], '2024-04-20T10:00:00Z'].join(','));
  }
  return { content: lines.join('\r\n') + '\r\n', items: rows.length };
}

async function uploadResults(page, batchUrl, content) {
  await page.goto(batchUrl);
  await page.setInputFiles('#results-file', { name: 'paypal-results.csv', mimeType: 'text/csv', buffer: Buffer.from(content) });
  await page.click('text=Upload and reconcile');
  await page.waitForURL(/\/admin\/reconciliations\/\d+$/);
}

// A program's screen from the nav: with two programs here, the console asks which one first.
const mainProgram = 'FTC v. Ring';
async function openScreen(page, entry) {
  await page.click(`nav >> text=${entry}`);
  if ((await page.locator('text=Which program?').count()) === 1) {
    expect((await text(page, 'h1')) === entry, `the program choice is not titled ${entry}`);
    await audit(page, 'finance-pick-program');
    await page.click(`.program-choice >> text=${mainProgram}`);
  }
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, acceptDownloads: true });
  const page = await context.newPage();

  // 1. The maker starts an allocation run.
  await signIn(page, maker, makerPassword);
  await openScreen(page, 'Allocation runs');
  expect((await text(page, 'h1')) === 'Allocation runs', 'no allocation runs screen');
  await audit(page, 'finance-allocations-empty');
  await page.click('text=Start the run');
  await page.waitForURL(/\/admin\/allocations\/\d+$/);
  const runUrl = page.url();
  expect((await text(page, '#created-by')).startsWith(maker), 'the run does not name its maker');
  expect((await page.locator('form[action$="/approve"]').count()) === 0, "the maker's own run offers Approve");
  expect((await page.locator('#maker-note').count()) === 1, 'the maker is not told a second user must approve');
  await audit(page, 'finance-allocation-run-maker');
  await signOut(page);

  // 2. The checker approves the run and explains one share.
  await signIn(page, checker, checkerPassword);
  await page.goto(runUrl);
  expect((await text(page, '#created-by')).startsWith(maker), 'the checker does not see the maker');
  await page.click('form[action$="/approve"] button');
  await page.waitForURL(runUrl);
  expect((await text(page, '#approved-by')).startsWith(checker), 'the approving user is not shown');
  expect((await text(page, '#run-state')) === 'approved', 'the run is not approved');
  const shares = await page.request.get(`${runUrl}/shares.csv`);
  const firstClaim = (await shares.text()).split('\n')[1].split(',')[0];
  await page.fill('#claim', firstClaim);
  await page.click('button:text-is("Explain")');
  expect((await text(page, '#explanation')).includes(firstClaim), 'the share is not explained');
  await audit(page, 'finance-allocation-run-approved');
  await page.click('text=All allocation runs of this program');
  expect((await text(page, 'main table tbody')).includes(checker), 'the runs list does not show the checker');
  await audit(page, 'finance-allocations');
  await signOut(page);

  // 3. The maker creates a PayPal batch; their own batch has no Approve button.
  await signIn(page, maker, makerPassword);
  await openScreen(page, 'Batches');
  await page.selectOption('#method', 'paypal');
  await page.click('text=Create batch');
  await page.waitForURL(/\/admin\/batches\/\d+$/);
  const batchUrl = page.url();
  expect((await text(page, '#created-by')).startsWith(maker), 'the batch does not name its maker');
  expect((await text(page, '#approved-by')) === 'not yet approved', 'a new batch shows an approver');
  expect((await page.locator('form[action$="/approve"]').count()) === 0, "the maker's own batch offers Approve");
  await audit(page, 'finance-batch-maker');
  await signOut(page);

  // 4. The checker approves the batch and downloads its file.
  await signIn(page, checker, checkerPassword);
  await page.goto(batchUrl);
  expect((await text(page, '#created-by')).startsWith(maker), 'the checker does not see the batch maker');
  await page.click('form[action$="/approve"] button');
  await page.waitForURL(batchUrl);
  expect((await text(page, '#approved-by')).startsWith(checker), 'the batch approver is not shown');
  await audit(page, 'finance-batch-approved');
  const payouts = await download(page, () => page.click('text=Produce and download the file'));
  expect(payouts.content.startsWith('sender_batch_id,recipient_type,receiver,amount,currency,sender_item_id'), `unexpected payouts file ${payouts.name}`);
  await page.goto(batchUrl);
  expect((await text(page, '#batch-state')) === 'submitted', 'producing the file did not submit the batch');

  // Reconciliation: PayPal's results for every item, then the very same file again.
  const results = paypalResults(payouts.content);
  await uploadResults(page, batchUrl, results.content);
  expect((await text(page, '#applied')) === String(results.items), 'the results were not applied');
  expect((await page.locator('#replay-notice').count()) === 0, 'a first upload is reported as a replay');
  await audit(page, 'finance-reconciliation');
  const report = await download(page, () => page.click('text=Download the report'));
  expect(report.content.split('\n').filter((line) => line.includes(',applied,')).length === results.items, 'the report CSV does not list every applied line');
  await uploadResults(page, batchUrl, results.content);
  expect((await text(page, '#applied')) === '0', 'the same file was applied twice');
  expect((await text(page, '#already-applied')) === String(results.items), 'the replay does not count the lines already applied');
  expect((await page.locator('#replay-notice').count()) === 1, 'the replay is not explained');
  await audit(page, 'finance-reconciliation-replay');
  await page.goto(batchUrl);
  expect((await text(page, '#batch-state')) === 'reconciled', 'the fully paid batch is not reconciled');
  await audit(page, 'finance-batch-reconciled');

  // Exports and settings.
  await openScreen(page, 'Exports');
  expect((await text(page, 'h1')) === 'Exports', 'no exports screen');
  await audit(page, 'finance-exports');
  const payments = await download(page, () => page.click('#export-payments'));
  expect(payments.content.startsWith('payment_id,claim_number'), 'the payments export did not download');
  expect(payments.content.split('\n').filter((line) => line.includes(',paid,')).length === results.items, 'the payments export does not show the paid payments');
  await openScreen(page, 'Program settings');
  expect((await page.locator('#rule-table tbody tr').count()) > 0, 'no weighting rule shown');
  expect((await page.locator('text=Change the weighting rule').count()) === 0, 'finance is offered a settings change');
  await audit(page, 'finance-settings');
  // The screens work at phone width: nothing may force a horizontal scroll of the page.
  await page.setViewportSize({ width: 375, height: 800 });
  for (const url of [batchUrl, runUrl]) {
    await page.goto(url);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) fail(`${url} overflows a phone by ${overflow}px: ${await widest(page)}`);
  }
  await audit(page, 'finance-allocation-run-phone');
  await page.setViewportSize({ width: 1280, height: 900 });
  await signOut(page);

  // 5. An administrator changes the weighting rule of a program still in setup.
  await signIn(page, admin, adminPassword);
  await page.goto(`${base}/admin/programs/${setupProgram}/settings`);
  await audit(page, 'finance-settings-admin');
  await page.fill('#rule-text', 'months_cap=24\nIndoor Cam=4\nVideo Doorbell=1\n');
  await page.click('text=Save the rule');
  await page.waitForURL(/\/settings\?saved=1$/);
  expect((await page.locator('#saved-notice').count()) === 1, 'saving the rule is not confirmed');
  expect((await text(page, '#rule-table tbody')).includes('Indoor Cam'), 'the saved rule is not shown');
  expect((await page.locator('#rule-table tbody tr').count()) === 2, 'the saved rule does not replace the old one');
  await audit(page, 'finance-settings-saved');
  await signOut(page);
} catch (error) {
  fail(String(error));
} finally {
  await browser.close();
}
process.exit(failures === 0 ? 0 : 1);
