#include "disburse/domain/payment_method.hpp"

#include "disburse/domain/assert.hpp"

namespace disburse::domain {

std::string_view to_string(PaymentMethod method) {
  switch (method) {
    case PaymentMethod::paypal: return "paypal";
    case PaymentMethod::check: return "check";
    case PaymentMethod::ach: return "ach";
  }
  DISBURSE_ASSERT(false);
  return {};
}

std::optional<PaymentMethod> parse_payment_method(std::string_view text) {
  for (const PaymentMethod method : all_payment_methods) {
    if (to_string(method) == text) return method;
  }
  return std::nullopt;
}

}  // namespace disburse::domain
