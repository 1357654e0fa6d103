#pragma once
// How a claimant is paid. The names are stored in claimants, payments and batches.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace disburse::domain {

enum class PaymentMethod : std::uint8_t { paypal, check, ach };

inline constexpr std::array<PaymentMethod, 3> all_payment_methods = {
    PaymentMethod::paypal, PaymentMethod::check, PaymentMethod::ach};

// "paypal", "check", "ach".
std::string_view to_string(PaymentMethod method);
std::optional<PaymentMethod> parse_payment_method(std::string_view text);

}  // namespace disburse::domain
