#include "payout_fixture.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "disburse/app/programs.hpp"
#include "disburse/domain/ledger.hpp"
#include "disburse/domain/payment_reference.hpp"
#include "disburse/pg/ledger_repository.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::testing {

namespace {

constexpr std::int64_t distinct_accounts = 50;

std::string array_literal(const std::vector<std::string>& words) {
  std::string literal = "{";
  for (const std::string& word : words) literal += (literal.size() > 1 ? "," : "") + word;
  return literal + "}";
}

std::int64_t create_program(TestDatabase& database, const std::string& name) {
  app::ProgramRequest request;
  request.name = name;
  request.fund = "5800000.00";
  request.reserve = "200000.00";
  request.min_payment = "10.00";
  return database.database().write([&](pg::Transaction& transaction) {
    return app::create_program(transaction, app::Actor::operator_shell(), request).id;
  });
}

// One method's claimants: `payable` with the rail's data, then `unpayable` without it.
void insert_claimants(pqxx::work& work, std::int64_t program_id, const std::string& method,
                      std::int64_t payable, std::int64_t unpayable,
                      const std::vector<std::string>& sealed_accounts,
                      const std::string& sealed_routing) {
  work.exec_params0(
      "INSERT INTO claimants (program_id, customer_id, claim_number, payment_method, first_name, "
      "last_name, email, address1, city, state, postal_code, country, bank_routing_sealed, "
      "bank_account_sealed, bank_account_type, record_fingerprint) "
      "SELECT $1::bigint, $2::text || '-' || n, 'T' || $1 || '-' || $2 || '-' || n, $2, "
      "'Pat' || n, "
      "'Rivera', CASE WHEN $2 = 'paypal' AND n > $3 THEN NULL ELSE 'c' || n || '@example.com' END, "
      "CASE WHEN $2 = 'check' AND n > $3 THEN NULL ELSE n || ' Main St' END, 'Springfield', 'IL', "
      "'62701', 'US', CASE WHEN $2 = 'ach' AND n <= $3 THEN $5 END, "
      "CASE WHEN $2 = 'ach' AND n <= $3 THEN ($6::text[])[1 + n % $7::bigint] END, "
      "CASE WHEN n % 3 = 0 THEN 'savings' ELSE 'checking' END, 'fingerprint ' || n "
      "FROM generate_series(1, $3::bigint + $4::bigint) n",
      program_id, method, payable, unpayable, sealed_routing, array_literal(sealed_accounts),
      distinct_accounts);
}

std::int64_t insert_approved_run(pqxx::work& work, std::int64_t program_id) {
  return work
      .exec_params1(
          "INSERT INTO allocation_runs (program_id, round, state, seed, distributable_cents, "
          "min_payment_cents, weighting_rule, allocated_cents, claimants_paid, "
          "claimants_dropped, weight_total, inputs_sha256, output_sha256, created_by) "
          "VALUES ($1, 1, 'approved', 1, 560000000, 1000, '', 0, 0, 0, 0, 'fixture', "
          "'fixture', 'fixture') RETURNING id",
          program_id)[0]
      .as<std::int64_t>();
}

// Shares and payments: every claimant gets $10.00 to $150.00, deterministically.
std::int64_t insert_payments(pqxx::work& work, std::int64_t program_id, std::int64_t run_id) {
  std::vector<std::string> ids;
  std::vector<std::string> references;
  for (const auto& row : work.exec_params(
           "SELECT id FROM claimants WHERE program_id = $1 ORDER BY id", program_id)) {
    const std::int64_t id = row[0].as<std::int64_t>();
    ids.push_back(std::to_string(id));
    references.push_back(domain::payment_reference({program_id, 1, id, 1}));
  }
  work.exec_params0(
      "INSERT INTO allocation_shares (run_id, claimant_id, weight, share_cents, status) "
      "SELECT $1, id, 1, 1000 + (id * 7919) % 14001, 'paid' FROM claimants WHERE program_id = $2",
      run_id, program_id);
  work.exec_params0(
      "INSERT INTO payments (program_id, claimant_id, round, attempt, run_id, method, "
      "amount_cents, currency, state, reference) "
      "SELECT $1, c.id, 1, 1, $2, c.payment_method, s.share_cents, 'USD', 'allocated', r.reference "
      "FROM unnest($3::bigint[], $4::text[]) AS r(claimant_id, reference) "
      "JOIN claimants c ON c.id = r.claimant_id "
      "JOIN allocation_shares s ON s.run_id = $2 AND s.claimant_id = c.id",
      program_id, run_id, array_literal(ids), array_literal(references));
  const std::int64_t total =
      work.exec_params1("SELECT coalesce(sum(amount_cents), 0)::bigint FROM payments "
                        "WHERE program_id = $1", program_id)[0].as<std::int64_t>();
  work.exec_params0("UPDATE allocation_runs SET allocated_cents = $2, claimants_paid = "
                    "(SELECT count(*) FROM payments WHERE run_id = $1) WHERE id = $1",
                    run_id, total);
  work.exec_params0("UPDATE programs SET status = 'distributing' WHERE id = $1", program_id);
  return total;
}

}  // namespace

std::string fixture_routing_number() { return "011000015"; }

std::string fixture_account_number(std::int64_t claimant_index) {
  return std::to_string(900000000 + claimant_index % distinct_accounts);
}

PayoutFixture seed_payouts(TestDatabase& database, const PayoutFixtureOptions& options) {
  security::initialize();
  const security::SecretBox box(security::load_secret_key(test_secret_key_file(), false));
  std::vector<std::string> sealed_accounts;
  for (std::int64_t index = 0; index < distinct_accounts; index++) {
    // The claimant n gets accounts[1 + n % 50] (SQL arrays count from 1).
    sealed_accounts.push_back(box.seal_hex(fixture_account_number(index)));
  }
  PayoutFixture fixture;
  fixture.program_id = create_program(database, options.name);
  pqxx::connection connection(database.url());
  pqxx::work work(connection);
  const std::string sealed_routing = box.seal_hex(fixture_routing_number());
  const std::int64_t unpayable = options.unpayable_per_method;
  insert_claimants(work, fixture.program_id, "paypal", options.paypal, unpayable, sealed_accounts,
                   sealed_routing);
  insert_claimants(work, fixture.program_id, "check", options.check, unpayable, sealed_accounts,
                   sealed_routing);
  insert_claimants(work, fixture.program_id, "ach", options.ach, unpayable, sealed_accounts,
                   sealed_routing);
  fixture.run_id = insert_approved_run(work, fixture.program_id);
  fixture.total_cents = insert_payments(work, fixture.program_id, fixture.run_id);
  work.commit();
  fixture.payments = options.paypal + options.check + options.ach + 3 * unpayable;
  database.database().write([&](pg::Transaction& transaction) {
    pg::post_entry(transaction, {fixture.program_id, "fixture", "allocation run approved",
                                 fixture.run_id},
                   domain::ledger::allocate(domain::Money::from_cents(fixture.total_cents)));
  });
  return fixture;
}

pid_t spawn_disburse(const TestDatabase& database, const std::vector<std::string>& arguments,
                     const std::map<std::string, std::string>& environment) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_RDWR);
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    setenv("DATABASE_URL", database.url().c_str(), 1);
    setenv("DISBURSE_SECRET_KEY_FILE", test_secret_key_file().c_str(), 1);
    for (const auto& [name, value] : environment) setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(DISBURSE_BINARY));
    for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    execv(DISBURSE_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::map<std::string, std::string> password_environment(const std::string& name) {
  return {{"DISBURSE_PASSWORD", password_of(name)}};
}

void check_payout_invariants(TestDatabase& database, const PayoutFixture& fixture) {
  const std::string program = std::to_string(fixture.program_id);
  const CommandResult books = run_disburse(database, {"check", "--program", program});
  CHECK_MESSAGE(books.exit_code == 0, (books.out + books.err));
  CHECK(database.scalar("SELECT count(*) FROM payments WHERE program_id = " + program) ==
        std::to_string(fixture.payments));
  CHECK(database.scalar("SELECT sum(amount_cents) FROM payments WHERE program_id = " + program) ==
        std::to_string(fixture.total_cents));
  // Each payment's batch matches its state: allocated in none, batched in a draft or approved
  // batch, submitted in a submitted one.
  CHECK(database.scalar(
            "SELECT count(*) FROM payments p LEFT JOIN batches b ON b.id = p.batch_id "
            "WHERE p.program_id = " + program + " AND NOT ("
            "(p.state = 'allocated' AND p.batch_id IS NULL) OR "
            "(p.state = 'batched' AND b.state IN ('draft', 'approved')) OR "
            "(p.state = 'submitted' AND b.state = 'submitted' AND p.submitted_at IS NOT NULL))") ==
        "0");
  // Every live batch holds exactly the items and total it recorded.
  CHECK(database.scalar(
            "SELECT count(*) FROM batches b WHERE b.program_id = " + program +
            " AND b.state <> 'cancelled' AND (b.items <> (SELECT count(*) FROM payments p "
            "WHERE p.batch_id = b.id) OR b.total_cents <> (SELECT coalesce(sum(amount_cents), 0) "
            "FROM payments p WHERE p.batch_id = b.id))") == "0");
  // From the events: a payment entered batches once more than it left them exactly when it is
  // in one now, so no payment was ever in two batches at once.
  CHECK(database.scalar(
            "SELECT count(*) FROM payments p WHERE p.program_id = " + program +
            " AND (SELECT count(*) FILTER (WHERE to_state = 'batched') - "
            "count(*) FILTER (WHERE from_state = 'batched' AND to_state = 'allocated') "
            "FROM payment_history e WHERE e.payment_id = p.id) <> "
            "CASE WHEN p.batch_id IS NULL THEN 0 ELSE 1 END") == "0");
  // One ledger entry per submitted batch.
  CHECK(database.scalar("SELECT count(*) FROM batches b WHERE b.program_id = " + program +
                        " AND (b.state = 'submitted') <> EXISTS (SELECT 1 FROM ledger_entries e "
                        "WHERE e.batch_id = b.id AND e.kind = 'payment_submitted')") == "0");
  CHECK(database.scalar("SELECT count(*) FROM (SELECT batch_id FROM ledger_entries WHERE "
                        "batch_id IS NOT NULL GROUP BY batch_id HAVING count(*) > 1) twice") == "0");
}

}  // namespace disburse::testing
