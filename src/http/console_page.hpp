#pragma once
// What every console screen shares: the signed-in session, the page wrapper that turns expected
// refusals into console pages, the CSRF check for forms, and rendering in the console layout.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "disburse/app/actor.hpp"
#include "exchange.hpp"

namespace disburse::http {

struct ConsoleSession {
  app::Actor actor;
  std::string id;
  std::string csrf;
};

inline constexpr const char* console_session_cookie = "disburse_session";

// Renders `page` inside the console layout; with a session, the layout shows the user, the
// navigation their role may use and the sign-out form.
void render_console(Exchange& exchange, int status, const std::string& page, nlohmann::json view,
                    const ConsoleSession* session);

// The signed-in user, or nothing (and a redirect to the sign-in page).
std::optional<ConsoleSession> console_signed_in(Exchange& exchange);

// Forbidden unless the form carries the session's CSRF token (a urlencoded field, or a part of a
// multipart form for file uploads).
void verify_console_csrf(const Exchange& exchange, const ConsoleSession& session);
// The same for a token read from the body by the handler itself (a streamed multipart form).
void verify_console_csrf_token(const Exchange& exchange, const ConsoleSession& session,
                               const std::string& token);

// Runs a page for a signed-in user, turning expected refusals into console error pages.
void console_page(Exchange& exchange, const std::function<void(const ConsoleSession&)>& body);

// A nav entry's screen (/admin/programs/{id}/SCREEN): straight to it when there is one program,
// else a page asking which program, each linking to its screen.
void open_program_screen(Exchange& exchange, const std::string& screen,
                         const std::string& screen_title);

}  // namespace disburse::http
