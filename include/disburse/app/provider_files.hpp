#pragma once
// Turns a batch's payments into its provider files through the formats library (issue 5).
// Pure apart from libsodium: no database, no clock. Everything that varies by day (dates, the
// ACH file id modifier and trace sequences) comes in as a parameter, so the caller decides it
// once and stores the bytes.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "disburse/app/config.hpp"
#include "disburse/domain/batch.hpp"
#include "disburse/pg/batches_repository.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::app {

// PayPal's sender_batch_id of a batch, before the "-p1" part suffix: unique per installation.
std::string paypal_sender_batch_id(const domain::Batch& batch);

// Takes the payments by value: their references and emails move into the items.
std::vector<domain::BatchFile> paypal_files(const domain::Batch& batch,
                                            std::vector<pg::PayablePayment> payments,
                                            const PayoutSettings& settings);

// The check register (part 1) and the Positive Pay issue file (part 2). Every payment must
// already have its check number.
std::vector<domain::BatchFile> check_files(const domain::Batch& batch,
                                           const std::vector<pg::PayablePayment>& payments,
                                           const PayoutSettings& settings,
                                           std::chrono::year_month_day issue_date,
                                           int void_after_days);

struct AchFileInputs {
  std::chrono::year_month_day creation_date{};
  std::chrono::minutes creation_time{0};
  std::chrono::year_month_day effective_date{};
  // ACH files this originator already produced that day: they fix this file's id modifier and
  // its first trace sequence, so that modifiers and trace numbers never repeat within a day.
  std::int64_t files_earlier_that_day = 0;
  std::int64_t entries_earlier_that_day = 0;
};

struct AchFile {
  domain::BatchFile file;
  std::vector<std::string> references;     // In entry order.
  std::vector<std::string> trace_numbers;  // The trace number of each reference.
};

// Opens each claimant's sealed bank data only to write the file; the plain numbers never
// leave this function except inside the file's bytes.
AchFile ach_file(const domain::Batch& batch, const std::vector<pg::PayablePayment>& payments,
                 const PayoutSettings& settings, const AchFileInputs& inputs,
                 const security::SecretBox& secrets);

}  // namespace disburse::app
