#include "disburse/domain/audit.hpp"

namespace disburse::domain {

namespace {

void append_field(std::string& text, std::string_view value) {
  text += std::to_string(value.size());
  text += ':';
  text += value;
  text += ';';
}

}  // namespace

std::string audit_canonical_text(const AuditRecord& record, std::string_view previous_hash) {
  std::string text = "disburse-audit-v1;";
  append_field(text, std::to_string(record.id));
  append_field(text, std::to_string(record.occurred_at_us));
  append_field(text, record.actor);
  append_field(text, record.action);
  append_field(text, record.subject_type);
  append_field(text, record.subject_id);
  append_field(text, std::to_string(record.program_id));
  append_field(text, record.details);
  append_field(text, previous_hash);
  return text;
}

}  // namespace disburse::domain
