#!/usr/bin/env node
// Independent check of a NACHA PPD file written by disburse.
//
// Usage: node tests/oracle/ach_parse.mjs FILE
//
// Parses FILE with @midlandsbank/node-nacha (a third-party parser that shares no code with
// ours), then checks what that library does not: every record is 94 characters, the file is
// blocked by 10, every routing number's ABA check digit holds, and the entry count, entry hash
// and debit and credit totals recomputed here from the parsed entries equal every batch control
// and the file control. It also re-formats the parsed file with the library and requires the
// same bytes, which proves that each field sits where the library expects it and is padded the
// way NACHA says (numbers zero-filled on the left, text space-filled on the right).
//
// Prints one JSON object on stdout: entry_count, total_credit_cents, total_debit_cents,
// entry_hash, batch_count, block_count and entries [{individual_id, routing_number,
// account_number, amount_cents, transaction_code, name, trace_number}].
// Exits 1 when a check fails and 2 when the file cannot be read or parsed, with one line on
// stderr naming the reason.

import { readFileSync } from 'node:fs';
import nacha from '@midlandsbank/node-nacha';

const RECORD_LENGTH = 94;
const BLOCKING_FACTOR = 10;
const HASH_MODULUS = 10_000_000_000n;

function fail(code, message) {
  process.stderr.write(`ach_parse: ${message}\n`);
  process.exit(code);
}

function abaCheckDigit(firstEightDigits) {
  const weights = [3, 7, 1, 3, 7, 1, 3, 7];
  const sum = weights.reduce((total, weight, index) => total + weight * Number(firstEightDigits[index]), 0);
  return (10 - (sum % 10)) % 10;
}

function recordsOf(text) {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function checkRecords(lines) {
  lines.forEach((line, index) => {
    if (line.length !== RECORD_LENGTH) fail(1, `record ${index + 1} is ${line.length} characters, not 94`);
  });
  if (lines.length % BLOCKING_FACTOR !== 0) fail(1, `${lines.length} records is not a multiple of 10`);
  const fill = lines.filter((line) => line === '9'.repeat(RECORD_LENGTH)).length;
  return Math.ceil((lines.length - fill) / BLOCKING_FACTOR);
}

// Sums what the controls must state, from the entries alone.
function totalsOf(entries) {
  const totals = { count: 0, hash: 0n, credit: 0, debit: 0 };
  for (const entry of entries) {
    const code = Number(entry.transactionCode);
    totals.count += 1 + (entry.addenda ? 1 : 0) + (entry.addendas ? entry.addendas.length : 0);
    totals.hash = (totals.hash + BigInt(entry.receivingDFIIdentification)) % HASH_MODULUS;
    if (code % 10 <= 4) totals.credit += entry.amount; else totals.debit += entry.amount;
  }
  return totals;
}

function checkControl(what, control, totals) {
  if (!control) fail(1, `${what} control record is missing`);
  const expected = {
    entryAndAddendaCount: totals.count,
    entryHash: Number(totals.hash),
    totalCredit: totals.credit,
    totalDebit: totals.debit,
  };
  for (const [field, value] of Object.entries(expected)) {
    if (control[field] !== value) fail(1, `${what} control ${field} is ${control[field]}, expected ${value}`);
  }
}

function checkEntry(entry, batchIndex) {
  const routing = String(entry.receivingDFIIdentification).padStart(8, '0');
  if (!Number.isInteger(entry.amount) || entry.amount <= 0) {
    fail(1, `batch ${batchIndex + 1}: entry ${entry.traceNumber} has amount ${entry.amount}`);
  }
  if (abaCheckDigit(routing) !== entry.checkDigit) {
    fail(1, `batch ${batchIndex + 1}: routing ${routing}${entry.checkDigit} fails the ABA check digit`);
  }
  if (!['22', '32'].includes(String(entry.transactionCode))) {
    fail(1, `batch ${batchIndex + 1}: transaction code ${entry.transactionCode} is not 22 or 32`);
  }
  return {
    individual_id: entry.identificationNumber,
    routing_number: routing + String(entry.checkDigit),
    account_number: entry.dfiAccount,
    amount_cents: entry.amount,
    transaction_code: Number(entry.transactionCode),
    name: entry.receivingCompanyName,
    trace_number: String(entry.traceNumber).padStart(15, '0'),
  };
}

const path = process.argv[2];
if (!path) fail(2, 'usage: node tests/oracle/ach_parse.mjs FILE');
let text;
let parsed;
try {
  text = readFileSync(path, 'latin1');
  parsed = nacha.from(text);
} catch (error) {
  fail(2, `cannot parse ${path}: ${error.message}`);
}
const ach = parsed.data;
const lines = recordsOf(text);
const blockCount = checkRecords(lines);
if (!ach.file || !ach.file.footer) fail(1, 'the file header or file control is missing');
if (!Array.isArray(ach.batches) || ach.batches.length === 0) fail(1, 'the file has no batch');

const summaryEntries = [];
const fileEntries = [];
ach.batches.forEach((batch, batchIndex) => {
  if (batch.entryClassCode !== 'PPD') fail(1, `batch ${batchIndex + 1} is ${batch.entryClassCode}, not PPD`);
  if (batch.serviceClassCode !== 220) fail(1, `batch ${batchIndex + 1} has service class ${batch.serviceClassCode}`);
  for (const entry of batch.entries) summaryEntries.push(checkEntry(entry, batchIndex));
  for (const entry of batch.entries) fileEntries.push(entry);
  checkControl(`batch ${batchIndex + 1}`, batch.footer, totalsOf(batch.entries));
});
const fileTotals = totalsOf(fileEntries);
checkControl('file', ach.file.footer, fileTotals);
if (ach.file.footer.batchCount !== ach.batches.length) fail(1, `file control batch count is ${ach.file.footer.batchCount}`);
if (ach.file.footer.blockCount !== blockCount) fail(1, `file control block count is ${ach.file.footer.blockCount}, expected ${blockCount}`);

let reformatted;
try {
  reformatted = recordsOf(parsed.to('ach'));
} catch (error) {
  fail(2, `the library cannot re-format ${path}: ${error.message}`);
}
const isFill = (line) => line === '9'.repeat(RECORD_LENGTH);
const ours = lines.filter((line) => !isFill(line));
const theirs = reformatted.filter((line) => !isFill(line));
if (theirs.length !== ours.length) fail(1, `the library re-formats ${theirs.length} records, not ${ours.length}`);
theirs.forEach((line, index) => {
  if (line !== ours[index]) {
    fail(1, `record ${index + 1} re-formats differently:\n  ours:    ${ours[index]}\n  library: ${line}`);
  }
});

process.stdout.write(JSON.stringify({
  entry_count: summaryEntries.length,
  total_credit_cents: fileTotals.credit,
  total_debit_cents: fileTotals.debit,
  entry_hash: Number(fileTotals.hash),
  batch_count: ach.batches.length,
  block_count: blockCount,
  entries: summaryEntries,
}) + '\n');
