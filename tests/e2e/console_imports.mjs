// Drives the console's imports in Debian's Chromium, as a claims administrator would: sign in,
// upload a list of several thousand generated customers, watch the progress bar (updated in place
// by /static/console_import.js) until the import ends, read the results, download the rejected
// rows, then search a claimant by name. A second upload runs with JavaScript off and must finish
// by the page refreshing itself. Every screen gets a screenshot, and every screen with JavaScript
// an axe-core run (axe itself needs JavaScript; the pages without it carry the same markup). A
// serious or critical violation, a failed request, a CSP refusal or a page error fails the run.
// The context keeps the CSP: axe-core is evaluated through the DevTools protocol, which the page's
// CSP does not govern, so the page's own script must load from /static/ as it would for a user.
//
//   node tests/e2e/console_imports.mjs BASE_URL USERNAME PASSWORD OUTPUT_DIR ROWS
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [base, username, password, outputDir, rowsText] = process.argv.slice(2);
if (!base || !username || !password || !outputDir || !rowsText) {
  console.error('usage: node console_imports.mjs BASE_URL USERNAME PASSWORD OUTPUT_DIR ROWS');
  process.exit(2);
}
const rows = Number(rowsText);
mkdirSync(outputDir, { recursive: true });

let failures = 0;
function fail(message) { console.error(`FAIL ${message}`); failures++; }
function check(condition, message) { if (!condition) fail(message); }

// A list in the import format: every 40th row has a ZIP code that cannot be one, so that the
// import rejects some rows; one customer has a last name no other row has.
const devices = ['Indoor Cam', 'Stick Up Cam', 'Video Doorbell', 'Spotlight Cam', 'Floodlight Cam'];
const lastNames = ['Smith', 'Johnson', 'Garcia', 'Nguyen', 'Patel', 'Kim', 'Lopez', 'Brown'];
const searchedLastName = 'Quillfeather';
function generatedList(count, seed) {
  const lines = ['customer_id,first_name,last_name,email,phone,address1,address2,city,state,postal_code,country,device_type,account_months'];
  for (let index = 1; index <= count; index++) {
    const id = `E2E-${seed}-${String(index).padStart(6, '0')}`;
    const lastName = index === 7 ? searchedLastName : lastNames[index % lastNames.length];
    const zip = index % 40 === 0 ? 'ABCDE' : String(10000 + ((index * 7919) % 89999)).padStart(5, '0');
    lines.push([id, 'Pat', lastName, `customer${seed}.${index}@example.com`, '', `${index} Elm Street`, '',
      'Springfield', 'IL', zip, 'US', devices[index % devices.length], String(1 + (index % 90))].join(','));
  }
  return lines.join('\n') + '\n';
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function newPage(javaScriptEnabled) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled, acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', (message) => {
    // The browser asks for /favicon.ico on its own; the console has none.
    if (message.type() !== 'error' || message.location().url.endsWith('/favicon.ico')) return;
    fail(`browser console error: ${message.text()} (${message.location().url})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) fail(`${response.status()} for ${response.url()}`);
  });
  page.on('pageerror', (error) => fail(`page error: ${error.message}`));
  return page;
}

async function audit(page, name) {
  await page.screenshot({ path: `${outputDir}/${name}.png`, fullPage: true });
  // Evaluated over the DevTools protocol, which the page's CSP does not govern.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Runtime.evaluate', { expression: axeSource });
  const evaluation = await cdp.send('Runtime.evaluate', {
    expression: 'axe.run(document).then((result) => JSON.stringify(result.violations))',
    awaitPromise: true, returnByValue: true,
  });
  await cdp.detach();
  for (const violation of JSON.parse(evaluation.result.value)) {
    if (violation.impact === 'serious' || violation.impact === 'critical') {
      fail(`${name}: ${violation.id} (${violation.impact}): ${violation.help}`);
    }
  }
}

async function signIn(page) {
  await page.goto(`${base}/admin/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/admin/`);
}

async function upload(page, fileName, content) {
  await page.click('nav >> text=Imports');
  await page.waitForURL(`${base}/admin/imports`);
  await page.setInputFiles('#upload-file', { name: fileName, mimeType: 'text/csv', buffer: Buffer.from(content) });
  await page.click('text=Upload and import');
  await page.waitForURL(/\/admin\/imports\/[0-9]+$/);
}

try {
  const page = await newPage(true);
  await signIn(page);
  await page.click('nav >> text=Imports');
  check((await page.textContent('h1')).includes('Imports'), 'no imports screen');
  await audit(page, 'console-imports-empty');

  const list = generatedList(rows, 1);
  await upload(page, 'ring-list.csv', list);
  // The script updates the page in place: a marker set now survives only if nothing reloads it.
  await page.evaluate(() => { window.notReloaded = true; });
  const started = Date.now();
  const seen = [];
  let screenshotWhileRunning = false;
  for (let attempt = 0; attempt < 1200; attempt++) {
    const state = await page.evaluate(() => ({
      value: document.getElementById('import-progress').value,
      max: document.getElementById('import-progress').max,
      status: document.getElementById('import-status').textContent,
      finished: document.getElementById('import-progress-card').dataset.finished === 'true',
    }));
    if (seen.length === 0 || seen[seen.length - 1].value !== state.value) seen.push(state);
    if (!state.finished && !screenshotWhileRunning) {
      await audit(page, 'console-import-running');
      screenshotWhileRunning = true;
    }
    if (state.finished) break;
    await page.waitForTimeout(100);
  }
  console.log(`import of ${rows} rows followed for ${Date.now() - started} ms`);
  console.log(`progress values seen: ${seen.map((state) => state.value).join(' ')}`);
  console.log(`statuses seen: ${[...new Set(seen.map((state) => state.status))].join(' | ')}`);
  const last = seen[seen.length - 1];
  check(last.finished, 'the import did not finish');
  check(last.value === last.max, `the bar ended at ${last.value} of ${last.max}`);
  check(seen.length >= 2, 'the bar never moved');
  check(await page.evaluate(() => window.notReloaded === true), 'the page reloaded instead of updating in place');
  const rejected = Math.floor(rows / 40);
  const accepted = rows - rejected;
  const number = (value) => value.toLocaleString('en-US');
  check((await page.textContent('[data-field=rows_accepted]')) === number(accepted), `accepted is not ${accepted}`);
  check((await page.textContent('[data-field=rows_rejected]')) === number(rejected), `rejected is not ${rejected}`);
  check((await page.textContent('#import-status')).startsWith(`Completed: ${number(rows)} rows`), 'no completed status');
  check(await page.isVisible('#import-results'), 'results not shown');
  check((await page.textContent('#rejected-reasons')).includes(`invalid_postal_code: ${number(rejected)}`), 'reasons not shown');
  await audit(page, 'console-import-results');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#rejected-link')]);
  const rejectedCsv = readFileSync(await download.path(), 'utf8');
  check(rejectedCsv.startsWith('line_number,reason,field,customer_id'), 'rejected rows CSV has no header');
  check(rejectedCsv.trim().split('\n').length === rejected + 1, 'rejected rows CSV has the wrong number of rows');

  await page.click('nav >> text=Imports');
  check((await page.textContent('#imports')).includes('ring-list.csv'), 'the import is not listed');
  await audit(page, 'console-imports-list');

  await page.click('nav >> text=Claimants');
  await page.fill('#last_name', searchedLastName.slice(0, 5).toLowerCase());
  await page.click('form.filters button[type=submit]');
  const found = await page.$$('#claims tbody tr');
  check(found.length === 1, `the name search found ${found.length} claimants, not 1`);
  const foundText = await page.textContent('#claims tbody');
  check(!foundText.includes(searchedLastName), 'the search result shows the name unmasked');
  check(foundText.includes('Q' + '*'.repeat(searchedLastName.length - 1)), 'the masked name is not shown');
  await audit(page, 'console-claims-search');

  // With JavaScript off, the import page refreshes itself until the import ends.
  const plain = await newPage(false);
  await signIn(plain);
  await upload(plain, 'ring-list-2.csv', generatedList(rows, 2));
  const finishedAlready = await plain.getAttribute('#import-progress-card', 'data-finished') === 'true';
  if (!finishedAlready) {
    check((await plain.content()).includes('http-equiv="refresh"'), 'a running import page without JavaScript does not refresh itself');
  }
  // Screenshots only: axe needs JavaScript to run. The markup is the one audited above.
  await plain.screenshot({ path: `${outputDir}/console-import-no-javascript.png`, fullPage: true });
  await plain.waitForSelector('#import-status:has-text("Completed")', { timeout: 120000 });
  check(await plain.isVisible('#import-results'), 'results not shown without JavaScript');
  await plain.screenshot({ path: `${outputDir}/console-import-no-javascript-results.png`, fullPage: true });
} catch (error) {
  fail(String(error && error.stack ? error.stack : error));
} finally {
  await browser.close();
}
process.exit(failures === 0 ? 0 : 1);
