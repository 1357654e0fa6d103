#pragma once
// One program export as a streamed CSV download, for the API and the console alike.

#include <cstdint>
#include <string>

#include "disburse/app/actor.hpp"
#include "exchange.hpp"

namespace disburse::http {

// An unknown kind is answered 404, like any unknown path; an unknown program is refused with its
// status before the streamed body starts. The caller has checked the actor's permission.
void stream_program_export(Exchange& exchange, const app::Actor& actor, std::int64_t program_id,
                           const std::string& kind);

}  // namespace disburse::http
