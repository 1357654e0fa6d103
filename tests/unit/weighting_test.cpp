#include "disburse/domain/weighting.hpp"

#include <doctest/doctest.h>

#include <string>

#include "disburse/domain/errors.hpp"

using disburse::InvalidInput;
using disburse::domain::compute_weight;
using disburse::domain::default_ring_weighting_rule;
using disburse::domain::imported_weight;
using disburse::domain::parse_weighting_rule;
using disburse::domain::to_canonical_text;
using disburse::domain::WeightBasis;
using disburse::domain::WeightingRule;
using disburse::domain::WeightStatus;

namespace {

std::string error_of(std::string_view text) {
  try {
    parse_weighting_rule(text);
  } catch (const InvalidInput& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("the default Ring rule weighs an Indoor Cam at 3 points a month") {
  const WeightingRule rule = default_ring_weighting_rule();
  CHECK(rule.months_cap() == 60);
  CHECK(rule.device_points().size() == 8);
  const auto result = compute_weight(rule, "Indoor Cam", 26);
  REQUIRE(result.ok());
  CHECK(result.breakdown.basis == WeightBasis::device_and_months);
  CHECK(result.breakdown.device_type == "Indoor Cam");
  CHECK(result.breakdown.points == 3);
  CHECK(result.breakdown.months_counted == 26);
  CHECK(result.breakdown.weight == 78);
  CHECK_FALSE(result.breakdown.months_were_capped());
  for (const auto& entry : rule.device_points()) {
    CAPTURE(entry.device_type);
    CHECK(entry.points >= 1);
    CHECK(entry.points <= 5);
  }
}

TEST_CASE("account months beyond the cap count as the cap") {
  const WeightingRule rule = default_ring_weighting_rule();
  const auto result = compute_weight(rule, "Indoor Cam", 80);
  REQUIRE(result.ok());
  CHECK(result.breakdown.account_months == 80);
  CHECK(result.breakdown.months_counted == 60);
  CHECK(result.breakdown.weight == 180);
  CHECK(result.breakdown.months_were_capped());
  CHECK(compute_weight(rule, "Indoor Cam", 60).breakdown.weight == 180);
  CHECK_FALSE(compute_weight(rule, "Indoor Cam", 60).breakdown.months_were_capped());
}

TEST_CASE("device types are found ignoring case and surrounding spaces") {
  const WeightingRule rule = default_ring_weighting_rule();
  for (const char* spelling : {"indoor cam", "INDOOR CAM", "  Indoor Cam\t", "iNdOoR cAm "}) {
    CAPTURE(spelling);
    const auto result = compute_weight(rule, spelling, 10);
    REQUIRE(result.ok());
    CHECK(result.breakdown.device_type == "Indoor Cam");
    CHECK(result.breakdown.weight == 30);
  }
  CHECK(rule.find("Video Doorbell")->points == 1);
  CHECK(rule.find("video doorbell pro")->points == 2);
}

TEST_CASE("an unknown device type, negative months and zero weights are reported, not thrown") {
  const WeightingRule rule = default_ring_weighting_rule();
  CHECK(compute_weight(rule, "Echo Dot", 10).status == WeightStatus::unknown_device_type);
  CHECK(compute_weight(rule, "", 10).status == WeightStatus::unknown_device_type);
  CHECK(compute_weight(rule, "Indoor Cams", 10).status == WeightStatus::unknown_device_type);
  CHECK(compute_weight(rule, "Indoor Cam", -1).status == WeightStatus::negative_account_months);
  CHECK(compute_weight(rule, "Indoor Cam", 0).status == WeightStatus::zero_weight);
  CHECK(rule.find("Echo Dot") == nullptr);
}

TEST_CASE("an imported weight is taken as given") {
  const auto result = imported_weight(78);
  CHECK(result.ok());
  CHECK(result.breakdown.basis == WeightBasis::imported);
  CHECK(result.breakdown.weight == 78);
  CHECK(imported_weight(0).status == WeightStatus::zero_weight);
}

TEST_CASE("the canonical text is sorted, deterministic and round-trips") {
  const WeightingRule rule = default_ring_weighting_rule();
  const std::string text = to_canonical_text(rule);
  CHECK(text ==
        "months_cap=60\n"
        "Doorbell Elite=2\n"
        "Floodlight Cam=2\n"
        "Indoor Cam=3\n"
        "Peephole Cam=2\n"
        "Spotlight Cam=2\n"
        "Stick Up Cam=3\n"
        "Video Doorbell=1\n"
        "Video Doorbell Pro=2\n");
  CHECK(parse_weighting_rule(text) == rule);
  CHECK(to_canonical_text(parse_weighting_rule(text)) == text);
}

TEST_CASE("parsing accepts any order, blank lines and spaces, and canonicalises them") {
  const WeightingRule rule =
      parse_weighting_rule("\n  stick up cam = 4 \r\nIndoor Cam=3\n\nMONTHS_CAP = 24\n");
  CHECK(rule.months_cap() == 24);
  CHECK(to_canonical_text(rule) == "months_cap=24\nIndoor Cam=3\nstick up cam=4\n");
  CHECK(compute_weight(rule, "Stick Up Cam", 30).breakdown.weight == 96);
}

TEST_CASE("invalid rules are refused with a clear message") {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"Indoor Cam=3\n", "weighting rule: months_cap is missing"},
      {"months_cap=60\n", "weighting rule: no device types"},
      {"months_cap=0\nIndoor Cam=3\n",
       "weighting rule: months_cap must be between 1 and 1200, got 0"},
      {"months_cap=60\nmonths_cap=61\nIndoor Cam=3\n",
       "weighting rule line 2: months_cap repeated"},
      {"months_cap=60\nIndoor Cam=0\n",
       "weighting rule: points for 'Indoor Cam' must be between 1 and 1000000, got 0"},
      {"months_cap=60\nIndoor Cam=-3\n", "weighting rule line 2: '-3' is not a whole number"},
      {"months_cap=60\nIndoor Cam=2.5\n", "weighting rule line 2: '2.5' is not a whole number"},
      {"months_cap=60\nIndoor Cam=\n", "weighting rule line 2: '' is not a whole number"},
      {"months_cap=60\nIndoor Cam=99999999999\n",
       "weighting rule line 2: '99999999999' is not a whole number"},
      {"months_cap=60\nIndoor Cam\n",
       "weighting rule line 2: expected 'name=points', got 'Indoor Cam'"},
      {"months_cap=60\n=3\n", "weighting rule: a device type name is empty"},
      {"months_cap=60\nIndoor Cam=3\nindoor cam=4\n",
       "weighting rule: device type 'indoor cam' appears more than once (names are compared "
       "ignoring case)"},
  };
  for (const Case& each : cases) {
    CAPTURE(each.text);
    CHECK(error_of(each.text) == each.message);
  }
}

TEST_CASE("rules built in code are validated the same way") {
  CHECK_THROWS_AS(WeightingRule::create({{"Indoor Cam", 3}, {"Indoor Cam ", 2}}, 60), InvalidInput);
  CHECK_THROWS_AS(WeightingRule::create({{"  ", 3}}, 60), InvalidInput);
  CHECK_THROWS_AS(WeightingRule::create({{"Indoor=Cam", 3}}, 60), InvalidInput);
  CHECK_THROWS_AS(WeightingRule::create({{"Indoor\nCam", 3}}, 60), InvalidInput);
  CHECK_THROWS_AS(WeightingRule::create({{"months_cap", 3}}, 60), InvalidInput);
  CHECK_THROWS_AS(WeightingRule::create({{"Indoor Cam", 1'000'001}}, 60), InvalidInput);
  CHECK_THROWS_AS(WeightingRule::create({{"Indoor Cam", 3}}, 1'201), InvalidInput);
  CHECK_THROWS_AS(WeightingRule::create({{std::string(101, 'x'), 3}}, 60), InvalidInput);
  const WeightingRule trimmed = WeightingRule::create({{" Indoor Cam ", 3}}, 60);
  CHECK(trimmed.device_points().front().device_type == "Indoor Cam");
}
