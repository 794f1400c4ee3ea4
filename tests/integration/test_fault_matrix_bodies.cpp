// Fault matrix, answer bodies: malformed, truncated, empty, non-UTF-8, over 64 MiB, through the
// real binary as `list` and as the Nagios check (support/fault_matrix.hpp).
#include <boost/json.hpp>

#include "integration/support/fault_matrix.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class BodyFaults : public FaultMatrix {
  protected:
    Expected unknown(const std::string& message) const {
        return {1, message, 3, unknown_line(message)};
    }
};

TEST_F(BodyFaults, MalformedJson) {
    expect_fault("malformed JSON list page", {{"malformed", true}}, {},
                 unknown("the register list page at offset 0 is malformed JSON: syntax error"));
}

TEST_F(BodyFaults, TruncatedJson) {
    // Half of the page, announced with its own Content-Length: the HTTP exchange is fine.
    const std::string message =
        regex_literal("the register list page at offset 0 is truncated JSON (") + "\\d+" +
        regex_literal(" bytes)");
    expect_fault(
        "truncated JSON list page", {{"truncated", true}}, {},
        {1, message, 3,
         regex_literal("ATOL KKT UNKNOWN - ") + message + regex_literal(" [test mode]"), true});
}

TEST_F(BodyFaults, EmptyBody) {
    expect_fault("empty list page (200, `Content-Length: 0`)", {{"empty_body", true}}, {},
                 unknown("the register list page at offset 0 is empty"));
}

TEST_F(BodyFaults, MalformedSingleRegisterAnswer) {
    warm_up();
    emulator.set_faults({{"malformed", true}, {"body_fault_path", "get"}});
    const RunResult r =
        atol_kkt(emulator, home, {"get", "00106714186438"}, {{"ATOL_KKT_NOW", fleet_time(2)}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("atol-kkt: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("malformed"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    expect_recovery();
}

// One stray byte must not cost the whole fleet's monitoring: it becomes U+FFFD, every output
// stays valid UTF-8, and every state is what it is without the fault.
TEST_F(BodyFaults, NonUtf8StringIsRepaired) {
    const auto runs =
        expect_survived("invalid UTF-8 (`C3 28 FF`) inside an address", {{"non_utf8", true}}, {},
                        /*compare_output=*/false, {}, "the bytes shown as U+FFFD");
    ASSERT_EQ(runs.list.exit_code, 0);
    const json::array listed = json::parse(runs.list.out).as_array();  // strict: valid UTF-8
    EXPECT_EQ(listed.size(), 30u);
    EXPECT_NE(runs.list.out.find("\xEF\xBF\xBD"), std::string::npos);
    const RunResult reference_check = check_at(reference, 2, {"--cache-ttl", "0"});
    EXPECT_EQ(runs.check.exit_code, reference_check.exit_code);
    EXPECT_EQ(runs.check.out.substr(0, runs.check.out.find('\n')),
              reference_check.out.substr(0, reference_check.out.find('\n')));
}

TEST_F(BodyFaults, BodyOverTheCapIsRefused) {
    expect_fault("65 MiB list page (cap 64 MiB)", {{"oversize_mib", 65}}, {},
                 unknown("response body larger than 64 MiB limit from " + emulator.url() +
                         "/kkt/v1/cash-registers"),
                 3s);
}

// The cap is "larger than 64 MiB": a page of exactly 64 MiB (valid JSON, padded) is read.
TEST_F(BodyFaults, BodyOfExactlyTheCapIsRead) {
    expect_survived("64 MiB list page (exactly the cap)", {{"oversize_mib", 64}}, {},
                    /*compare_output=*/true);
}

}  // namespace
}  // namespace kkt::testing
