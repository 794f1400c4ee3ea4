#include "integration/support/fault_matrix.hpp"

#include <boost/json.hpp>
#include <regex>

#include "common/clock.hpp"
#include "integration/support/cache_check.hpp"
#include "integration/support/report.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

const char* state_of_exit(int code) {
    switch (code) {
        case 0:
            return "OK";
        case 1:
            return "WARNING";
        case 2:
            return "CRITICAL";
        case 3:
            return "UNKNOWN";
    }
    return "no state";
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

std::string cache_of(const TempDir& where) {
    return where.path() + "/cache";
}

// Equal, or matching when `regex`.
::testing::AssertionResult text_is(const std::string& actual, const std::string& expected,
                                   bool regex) {
    const bool ok = regex ? std::regex_match(actual, std::regex(expected)) : actual == expected;
    if (ok) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "actual:   " << actual << "\nexpected: " << expected << (regex ? " (regex)" : "");
}

}  // namespace

std::string regex_literal(const std::string& text) {
    static const std::string special = R"(\^$.|?*+()[]{})";
    std::string escaped;
    for (char c : text) {
        if (special.find(c) != std::string::npos) escaped += '\\';
        escaped += c;
    }
    return escaped;
}

std::string fleet_time(int minutes) {
    return format_iso8601(*parse_iso8601(fleet_now) + std::chrono::minutes(minutes));
}

std::string list_outcome(const RunResult& r, const std::string& url) {
    if (r.exit_code == 0) {
        json::error_code ec;
        auto value = json::parse(r.out, ec);
        const std::size_t count = !ec && value.is_array() ? value.get_array().size() : 0;
        return "exit 0, " + std::to_string(count) + " registers";
    }
    std::string err = r.err;
    if (err.rfind("atol-kkt: ", 0) == 0) err.erase(0, 10);
    return "exit " + std::to_string(r.exit_code) + ": " + table_cell(err, url);
}

std::string check_outcome(const RunResult& r, const std::string& url) {
    std::string line = first_line(r.out);
    line = line.substr(0, line.find(" | "));  // the performance data are not the point here
    return std::string(state_of_exit(r.exit_code)) + " (" + std::to_string(r.exit_code) +
           "): " + table_cell(line, url);
}

FaultMatrix::FaultMatrix(std::vector<std::string> emulator_args)
    : emulator([&] {
          std::vector<std::string> args{"--registers", "30", "--seed", "5", "--now", fleet_now};
          args.insert(args.end(), emulator_args.begin(), emulator_args.end());
          return args;
      }()) {}

RunResult FaultMatrix::list_at(const TempDir& where, int minute, std::vector<std::string> args,
                               milliseconds limit) {
    args.insert(args.begin(), {"list", "--json"});
    return atol_kkt(emulator, where, args, {{"ATOL_KKT_NOW", fleet_time(minute)}}, limit);
}

RunResult FaultMatrix::check_at(const TempDir& where, int minute, std::vector<std::string> args,
                                milliseconds limit) {
    return check_atol_kkt(emulator, where, args, {{"ATOL_KKT_NOW", fleet_time(minute)}}, limit);
}

void FaultMatrix::warm_up() {
    for (const TempDir* where : {&home, &reference}) {
        const RunResult r = list_at(*where, 0);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
}

std::string FaultMatrix::unknown_line(const std::string& summary) {
    return "ATOL KKT UNKNOWN - " + summary + " [test mode]";
}

std::string FaultMatrix::list_error(const std::string& message) {
    return "atol-kkt: " + message + "\n";
}

void FaultMatrix::expect_fault(const std::string& fault, const json::object& faults,
                               const std::vector<std::string>& args, const Expected& expected,
                               std::optional<milliseconds> within,
                               const std::function<void()>& before) {
    warm_up();
    auto arm = [&] {
        emulator.set_faults(faults);
        if (before) before();
    };

    arm();
    const RunResult list = list_at(home, 2, args);
    EXPECT_EQ(list.exit_code, expected.list_exit) << list.out << list.err;
    EXPECT_EQ(list.out, "");
    EXPECT_TRUE(text_is(
        list.err,
        (expected.regex ? regex_literal("atol-kkt: ") : "atol-kkt: ") + expected.list_stderr + "\n",
        expected.regex));
    if (within) {
        EXPECT_LT(list.elapsed, *within);
    }

    arm();
    const RunResult check = check_at(home, 2, args);
    EXPECT_EQ(check.exit_code, expected.check_exit) << check.out;
    EXPECT_TRUE(text_is(check.out, expected.check_line + "\n", expected.regex));
    EXPECT_EQ(check.err, "");  // a Nagios plugin says nothing on stderr, also on errors
    if (within) {
        EXPECT_LT(check.elapsed, *within);
    }

    last_list_outcome = list_outcome(list, emulator.url());
    last_check_outcome = check_outcome(check, emulator.url());
    expect_recovery();
    report_row({table_cell(fault), last_list_outcome, last_check_outcome,
                ::testing::Test::HasFailure() ? "FAILED" : "consistent; next run OK"});
}

FaultMatrix::Survived FaultMatrix::expect_survived(
    const std::string& fault, const json::object& faults, const std::vector<std::string>& args,
    bool compare_output, const std::function<void()>& before, const std::string& notes) {
    warm_up();
    auto arm = [&] {
        emulator.set_faults(faults);
        if (before) before();
    };
    arm();
    const RunResult list = list_at(home, 2, args);
    EXPECT_EQ(list.exit_code, 0) << list.err;
    arm();
    // With a TTL the check would read what the list run just stored: no TTL, so it meets the
    // fault too.
    std::vector<std::string> check_args = args;
    check_args.insert(check_args.end(), {"--cache-ttl", "0"});
    const RunResult check = check_at(home, 2, check_args);
    EXPECT_EQ(check.err, "");
    emulator.set_faults({});
    if (compare_output) {
        const RunResult reference_list = list_at(reference, 2, args);
        EXPECT_EQ(list.out, reference_list.out);
        const RunResult reference_check = check_at(reference, 2, check_args);
        EXPECT_EQ(check.out, reference_check.out);
        EXPECT_EQ(check.exit_code, reference_check.exit_code);
    }
    last_list_outcome = list_outcome(list, emulator.url());
    last_check_outcome = check_outcome(check, emulator.url());
    if (compare_output) {
        last_list_outcome += ", as without the fault";
        last_check_outcome += " (as without the fault)";
    }
    if (!notes.empty()) last_list_outcome += "; " + notes;
    expect_recovery();
    report_row({table_cell(fault), last_list_outcome, last_check_outcome,
                ::testing::Test::HasFailure() ? "FAILED" : "consistent; next run OK"});
    return {list, check};
}

void FaultMatrix::expect_recovery() {
    emulator.set_faults({});
    const CacheInspection after_fault = inspect_cache(cache_of(home));
    EXPECT_TRUE(after_fault.consistent()) << after_fault.summary();
    EXPECT_EQ(after_fault.temp_leftovers, 0u);

    const RunResult list = list_at(home, 4);
    ASSERT_EQ(list.exit_code, 0) << list.err;
    const auto list_requests = emulator.stats().at("list_requests").as_int64();
    const RunResult check = check_at(home, 4);
    EXPECT_EQ(emulator.stats().at("list_requests").as_int64(), list_requests)
        << "the check after a healthy list did not read the cached list";

    const RunResult reference_list = list_at(reference, 4);
    const RunResult reference_check = check_at(reference, 4);
    EXPECT_EQ(list.out, reference_list.out);
    EXPECT_EQ(check.out, reference_check.out);
    EXPECT_EQ(check.exit_code, reference_check.exit_code);
    const CacheInspection healed = inspect_cache(cache_of(home));
    EXPECT_TRUE(healed.consistent()) << healed.summary();
    EXPECT_EQ(healed.list_files, 1u);
    EXPECT_EQ(healed.token_files, 1u);
}

}  // namespace kkt::testing
