// Tests of the NACHA oracle itself: it must accept the file our writer produces and refuse
// each kind of damage. Run with `node --test tests/oracle/`.
//
// fixtures/ppd_two_entries.ach is byte for byte the file that tests/unit/nacha_test.cpp expects
// from the writer ("a two-entry PPD credit file matches the NACHA layout byte for byte"), so
// this test and that one together show the writer's output passes an independent parser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const oracle = join(here, 'ach_parse.mjs');
const fixture = readFileSync(join(here, 'fixtures', 'ppd_two_entries.ach'), 'latin1');
const scratch = mkdtempSync(join(tmpdir(), 'ach-oracle-'));

function runOn(text, name) {
  const path = join(scratch, name);
  writeFileSync(path, text, 'latin1');
  return spawnSync(process.execPath, [oracle, path], { encoding: 'utf8' });
}

function withRecord(index, change) {
  const lines = fixture.split('\n');
  lines[index] = change(lines[index]);
  return lines.join('\n');
}

function replaceAt(line, position, text) {
  return line.slice(0, position - 1) + text + line.slice(position - 1 + text.length);
}

test('the writer\'s two-entry file is accepted with the right totals', () => {
  const result = runOn(fixture, 'good.ach');
  assert.equal(result.status, 0, result.stderr);
  const summary = JSON.parse(result.stdout);
  assert.equal(summary.entry_count, 2);
  assert.equal(summary.total_credit_cents, 19785);
  assert.equal(summary.total_debit_cents, 0);
  assert.equal(summary.entry_hash, 3700960);
  assert.equal(summary.block_count, 1);
  assert.deepEqual(summary.entries.map((entry) => entry.individual_id), ['P1-R1-12345-A1', 'P1-R1-67890-A1']);
  assert.deepEqual(summary.entries.map((entry) => entry.routing_number), ['011000015', '026009593']);
  assert.deepEqual(summary.entries.map((entry) => entry.transaction_code), [22, 32]);
  assert.equal(summary.entries[0].trace_number, '021000020000001');
});

const damages = [
  ['a changed amount', withRecord(2, (line) => replaceAt(line, 30, '0000004786'))],
  ['a wrong check digit', withRecord(2, (line) => replaceAt(line, 12, '6'))],
  ['a space inside the amount', withRecord(2, (line) => replaceAt(line, 30, ' 000004785'))],
  ['a right-justified individual id', withRecord(2, (line) => replaceAt(line, 40, ' P1-R1-12345-A1'))],
  ['a debit transaction code', withRecord(2, (line) => replaceAt(line, 2, '27'))],
  ['a wrong batch hash', withRecord(4, (line) => replaceAt(line, 11, '0003700961'))],
  ['a wrong block count', withRecord(5, (line) => replaceAt(line, 8, '000002'))],
  ['a short record', withRecord(3, (line) => line.slice(0, 93))],
  ['a missing fill record', fixture.split('\n').slice(0, 9).join('\n') + '\n'],
];

for (const [name, text] of damages) {
  test(`a file with ${name} is refused`, () => {
    const result = runOn(text, 'damaged.ach');
    assert.equal(result.status, 1, `expected a refusal; stdout: ${result.stdout}`);
    assert.match(result.stderr, /^ach_parse: /);
  });
}

test('an unreadable path exits 2', () => {
  const result = spawnSync(process.execPath, [oracle, join(scratch, 'absent.ach')], { encoding: 'utf8' });
  assert.equal(result.status, 2);
});
