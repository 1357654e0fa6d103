#include <doctest/doctest.h>

#include "disburse/domain/audit.hpp"

using disburse::domain::audit_canonical_text;
using disburse::domain::AuditRecord;

TEST_CASE("the canonical audit text covers every field and the previous hash") {
  AuditRecord record{7, 1700000000000000, "alice", "program.create", "program", "3", 3, "{}"};
  const std::string base = audit_canonical_text(record, "abc");
  CHECK(base ==
        "disburse-audit-v1;1:7;16:1700000000000000;5:alice;14:program.create;7:program;1:3;1:3;"
        "2:{};3:abc;");
  CHECK(audit_canonical_text(record, "abd") != base);
  AuditRecord changed = record;
  changed.details = "{\"x\":1}";
  CHECK(audit_canonical_text(changed, "abc") != base);
  changed = record;
  changed.occurred_at_us += 1;
  CHECK(audit_canonical_text(changed, "abc") != base);
}

TEST_CASE("field boundaries cannot be shifted to forge the same text") {
  AuditRecord first{1, 1, "ab", "c", "t", "s", 0, ""};
  AuditRecord second{1, 1, "a", "bc", "t", "s", 0, ""};
  CHECK(audit_canonical_text(first, "") != audit_canonical_text(second, ""));
}
