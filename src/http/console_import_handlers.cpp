// The console's import screens: /admin/imports (the imports and an upload form), the upload
// itself (a streamed multipart form that goes through the API's own upload use cases and durable
// job), one import's page with its live progress, that progress as JSON for the page's script,
// and the rejected rows as CSV. The use cases check every role.

#include <exception>
#include <functional>

#include "console_page.hpp"
#include "disburse/app/imports.hpp"
#include "disburse/app/programs.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/web/console_views.hpp"
#include "disburse/web/import_views.hpp"
#include "import_transfer.hpp"
#include "router.hpp"

namespace disburse::http {

namespace {

constexpr std::size_t max_form_field_bytes = 200;
constexpr std::size_t max_file_name_bytes = 200;
// Without JavaScript a running import's page reloads itself this often.
constexpr int refresh_seconds = 2;

// "512 MiB", or "100,000 bytes" for a limit under a mebibyte.
std::string upload_limit_text(long long bytes) {
  constexpr long long mebibyte = 1024 * 1024;
  if (bytes >= mebibyte) return std::to_string(bytes / mebibyte) + " MiB";
  return web::count_text(bytes) + " bytes";
}

nlohmann::json program_options(const std::vector<domain::Program>& programs,
                               std::int64_t selected_id, bool only_importing) {
  nlohmann::json options = nlohmann::json::array();
  for (const auto& program : programs) {
    if (only_importing && !app::accepts_imports(program)) continue;
    options.push_back({{"id", std::to_string(program.id)},
                       {"name", program.settings.name},
                       {"selected", program.id == selected_id}});
  }
  return options;
}

void imports(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    pg::Database& database = exchange.services.database;
    app::ImportListRequest request;
    request.program_id = exchange.id_query("program");
    request.before_id = exchange.id_query("before");
    const std::vector<domain::Program> programs = app::list_programs(database, session.actor);
    const app::ImportPage page = app::list_imports(database, session.actor, request);
    const nlohmann::json upload_programs = program_options(programs, request.program_id, true);
    nlohmann::json view = {
        {"title", "Imports"},
        {"imports", web::import_rows_view(page.items, programs)},
        {"has_imports", !page.items.empty()},
        {"programs", program_options(programs, request.program_id, false)},
        {"upload_programs", upload_programs},
        {"filter_program", std::to_string(request.program_id)},
        {"may_upload", domain::role_allows(session.actor.role, domain::Permission::import_lists) &&
                           !upload_programs.empty()},
        {"max_upload", upload_limit_text(exchange.services.config.limits.max_upload_bytes)}};
    if (page.next_before_id) view["next_before"] = std::to_string(*page.next_before_id);
    render_console(exchange, 200, "console_imports", view, &session);
  });
}

std::string base_name(const std::string& path) {
  const std::size_t slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Receives the upload form as it arrives. The form puts its token and program before the file,
// and browsers send fields in document order, so that both are checked before the file's first
// byte is stored; the file's head is checked too (encoding, header), so that a file that cannot
// be imported is refused with the import's own message and nothing is written.
//
// A refusal is kept until the whole body is read and only then thrown: a browser that is still
// sending the file when the answer comes may show a broken connection instead of the answer.
class ConsoleUpload {
 public:
  ConsoleUpload(Exchange& exchange, const ConsoleSession& session)
      : exchange_(exchange), session_(session) {}

  ConsoleUpload(const ConsoleUpload&) = delete;
  ConsoleUpload& operator=(const ConsoleUpload&) = delete;

  // The finished upload, queued for its job (or the first import of the same file); nothing on
  // a body over the size limit. Whatever fails, nothing of the upload is left behind.
  std::optional<app::ImportOutcome> receive(const httplib::ContentReader& read_content) {
    try {
      const bool received = read_content(
          [this](const httplib::MultipartFormData& part) {
            return unless_refused([&] { begin_part(part); });
          },
          [this](const char* data, std::size_t length) {
            return unless_refused([&] { add(std::string_view(data, length)); });
          });
      if (too_large_ || exchange_.response.status == 413) {
        discard();
        return std::nullopt;
      }
      if (refusal_) std::rethrow_exception(refusal_);
      if (!received) throw InvalidInput("the upload broke off, or the form could not be read");
      verify_console_csrf_token(exchange_, session_, csrf_);
      if (!file_seen_) throw InvalidInput("choose a CSV file to upload");
      if (!writer_) start_storing();
      writer_->finish();
      const std::string sha256 = writer_->sha256_hex();
      return exchange_.services.database.write([&](pg::Transaction& transaction) {
        return app::finish_upload(transaction, session_.actor, import_id_, sha256,
                                  writer_->size_bytes());
      });
    } catch (...) {
      discard();
      throw;
    }
  }

 private:
  // Runs one step of the upload unless it was refused already; a refusal drops what the upload
  // stored so far, and the rest of the body is read and ignored.
  bool unless_refused(const std::function<void()>& step) {
    if (refusal_) return true;
    try {
      step();
    } catch (...) {
      refusal_ = std::current_exception();
      discard();
    }
    return !too_large_;
  }

  void begin_part(const httplib::MultipartFormData& part) {
    if (file_seen_) throw InvalidInput("the form holds more than one file");
    part_ = part.name;
    if (part_ == "file") {
      verify_console_csrf_token(exchange_, session_, csrf_);
      file_seen_ = true;
      file_name_ = base_name(part.filename);
      if (file_name_.empty()) throw InvalidInput("choose a CSV file to upload");
      if (file_name_.size() > max_file_name_bytes) throw InvalidInput("the file name is too long");
      program_id_ = parse_program(program_);
    } else if (part_ != "csrf" && part_ != "program") {
      throw InvalidInput("the form has an unexpected field");
    }
  }

  void add(std::string_view data) {
    if (part_ == "csrf") return append_field(csrf_, data);
    if (part_ == "program") return append_field(program_, data);
    if (writer_) return keep(data);
    head_.append(data);
    if (head_.size() >= app::import_head_bytes()) start_storing();
  }

  static void append_field(std::string& field, std::string_view data) {
    if (field.size() + data.size() > max_form_field_bytes) {
      throw InvalidInput("a form field is longer than expected");
    }
    field.append(data);
  }

  static std::int64_t parse_program(const std::string& text) {
    try {
      std::size_t consumed = 0;
      const std::int64_t id = std::stoll(text, &consumed);
      if (consumed == text.size() && id > 0) return id;
    } catch (const std::exception&) {
    }
    throw InvalidInput("choose the program the list belongs to");
  }

  // The file's head shows it can be imported: from here on it is stored as it arrives.
  void start_storing() {
    app::check_import_head(head_);
    import_id_ =
        app::begin_upload(exchange_.services.database, session_.actor, program_id_, file_name_);
    writer_.emplace(exchange_.services.database, import_id_,
                    exchange_.services.config.limits.max_upload_bytes);
    keep(head_);
    head_.clear();
  }

  void keep(std::string_view data) {
    if (!writer_->add(data)) too_large_ = true;
  }

  void discard() {
    if (import_id_ == 0) return;
    exchange_.services.database.write(
        [&](pg::Transaction& transaction) { app::discard_upload(transaction, import_id_); });
    import_id_ = 0;
  }

  Exchange& exchange_;
  const ConsoleSession& session_;
  std::string part_;
  std::string csrf_;
  std::string program_;
  bool file_seen_ = false;
  std::string file_name_;
  std::int64_t program_id_ = 0;
  std::string head_;
  std::int64_t import_id_ = 0;
  std::optional<UploadWriter> writer_;
  bool too_large_ = false;
  std::exception_ptr refusal_;
};

void upload(Exchange& exchange, const httplib::ContentReader& read_content) {
  console_page(exchange, [&](const ConsoleSession& session) {
    app::require(session.actor, domain::Permission::import_lists);
    if (!exchange.request.is_multipart_form_data()) {
      throw InvalidInput("send the list with the upload form (multipart/form-data)");
    }
    ConsoleUpload upload(exchange, session);
    const std::optional<app::ImportOutcome> outcome = upload.receive(read_content);
    if (!outcome) {
      const std::string limit = upload_limit_text(exchange.services.config.limits.max_upload_bytes);
      render_console(exchange, 413, "console_error",
                     {{"title", "File too large"},
                      {"message", "the file is larger than the upload limit of " + limit +
                                      "; split it into several lists"}},
                     &session);
      return;
    }
    std::string location = "/admin/imports/" + std::to_string(outcome->summary.id);
    if (outcome->duplicate_file) location += "?duplicate_file=1";
    exchange.redirect(location);
  });
}

void import_page(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    pg::Database& database = exchange.services.database;
    const std::int64_t import_id = exchange.id_parameter(0);
    const domain::ImportSummary import = app::show_import(database, session.actor, import_id);
    nlohmann::json view = web::import_progress_view(import);
    const std::string path = "/admin/imports/" + std::to_string(import_id);
    view["title"] = "Import " + std::to_string(import_id);
    view["program_name"] =
        app::show_program(database, session.actor, import.program_id).settings.name;
    view["duplicate_file"] = exchange.query("duplicate_file") == "1";
    view["may_download_rejected"] =
        domain::role_allows(session.actor.role, domain::Permission::import_lists);
    view["progress_url"] = path + "/progress";
    view["script"] = "console_import.js";
    if (!view["finished"].get<bool>()) view["refresh_seconds"] = std::to_string(refresh_seconds);
    render_console(exchange, 200, "console_import", view, &session);
  });
}

// The page's script polls this. Without a session it is sent to sign in like every console page
// (the script then reloads, and the page goes there too).
void progress(Exchange& exchange) {
  const auto session = console_signed_in(exchange);
  if (!session) return;
  const domain::ImportSummary import =
      app::show_import(exchange.services.database, session->actor, exchange.id_parameter(0));
  exchange.send_json(200, web::import_progress_view(import));
}

void rejected_rows(Exchange& exchange) {
  console_page(exchange, [&](const ConsoleSession& session) {
    stream_rejected_rows(exchange, session.actor, exchange.id_parameter(0));
  });
}

}  // namespace

void add_console_import_routes(Router& router) {
  router.page_get("/admin/imports", imports);
  router.page_post_streaming("/admin/imports", upload);
  router.page_get("/admin/imports/{id}", import_page);
  router.get("/admin/imports/{id}/progress", progress);
  router.page_get("/admin/imports/{id}/rejected.csv", rejected_rows);
}

}  // namespace disburse::http
