#pragma once
// View models of the customer portal: what the templates and the JSON status API show for a
// lookup, in the customer's language.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "disburse/app/portal.hpp"
#include "disburse/web/messages.hpp"

namespace disburse::web {

// What every portal page needs: the language, its catalog, the CSRF token and the link (or,
// on pages that show a lookup, the form) that switches language.
nlohmann::json base_view(Language language, const std::string& csrf_token, const std::string& title);

nlohmann::json home_view(Language language, const std::string& csrf_token,
                         const std::vector<std::string>& program_names);

// The status page of a found claim; `zip5` is carried in the change form and the language form.
nlohmann::json status_view(Language language, const std::string& csrf_token,
                           const app::StatusResult& result, const std::string& zip5);

// The plain sentence for the claim's next step.
std::string next_step_text(Language language, const app::StatusResult& result);

// The /api/v1/status body of a found claim.
nlohmann::json status_json(Language language, const app::StatusResult& result);

// The message for a lookup that found nothing to show.
std::string lookup_failure_text(Language language, const app::StatusResult& result);

}  // namespace disburse::web
