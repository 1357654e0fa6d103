#pragma once
// When an ACH credit counts as delivered (issue 6). No bank ever confirms an ACH credit: it is
// delivered unless it comes back. A consumer credit can come back for a long time (R05, R07,
// R10, R29, R51 and friends may arrive up to 60 calendar days after settlement), so a credit
// submitted more than `ach_return_window_days` ago without a return is taken as paid. A return
// that still arrives later is applied all the same: paid → returned is legal for ACH.

#include <cstdint>

namespace disburse::domain {

inline constexpr std::int64_t ach_return_window_days = 60;

// Whether an ACH credit submitted at `submitted_at` counts as delivered at `now`. The deadline
// second itself still belongs to the window.
bool is_ach_settled(std::int64_t submitted_at_epoch_seconds, std::int64_t now_epoch_seconds,
                    std::int64_t window_days = ach_return_window_days);

}  // namespace disburse::domain
