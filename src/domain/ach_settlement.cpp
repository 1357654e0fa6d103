#include "disburse/domain/ach_settlement.hpp"

#include "disburse/domain/program_state.hpp"

namespace disburse::domain {

bool is_ach_settled(std::int64_t submitted_at_epoch_seconds, std::int64_t now_epoch_seconds,
                    std::int64_t window_days) {
  return now_epoch_seconds > deadline_epoch_seconds(submitted_at_epoch_seconds, window_days);
}

}  // namespace disburse::domain
