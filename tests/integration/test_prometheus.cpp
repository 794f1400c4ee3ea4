// `atol-kkt prometheus` against the emulator: the values of `list --json` in Prometheus form,
// unknowns left out, the selection and thresholds applied, a failed read still a valid
// exposition with atol_kkt_up 0, and --output replacing the file atomically.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "integration/support/emulator.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* fixed_now = "2026-11-28T12:00:00Z";

struct Sample {
    std::map<std::string, std::string> labels;
    double value = 0;
};

// family -> samples; label values unescaped. Fails the test on a line it cannot read.
std::map<std::string, std::vector<Sample>> parse_exposition(const std::string& text) {
    static const std::regex sample_line(R"(([a-z_]+)(\{(.*)\})? (\S+))");
    static const std::regex label(R"re(([a-z_]+)="((?:[^"\\]|\\.)*)",?)re");
    std::map<std::string, std::vector<Sample>> families;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("#")) continue;
        std::smatch m;
        if (!std::regex_match(line, m, sample_line)) {
            ADD_FAILURE() << "not a sample: " << line;
            continue;
        }
        Sample s;
        s.value = std::stod(m[4]);
        const std::string labels = m[3];
        for (auto it = std::sregex_iterator(labels.begin(), labels.end(), label);
             it != std::sregex_iterator(); ++it) {
            std::string value = std::regex_replace((*it)[2].str(), std::regex(R"(\\(.))"), "$1");
            s.labels[(*it)[1]] = value;
        }
        families[m[1]].push_back(s);
    }
    return families;
}

// serial -> value of one family.
std::map<std::string, double> by_serial(const std::vector<Sample>& samples) {
    std::map<std::string, double> out;
    for (const Sample& s : samples) out[s.labels.at("serial")] = s.value;
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Drops the run's duration, the one line two runs over the same data differ in.
std::string without_duration(const std::string& text) {
    return std::regex_replace(text, std::regex("\natol_kkt_scrape_duration_seconds [0-9.]+\n"),
                              "\n");
}

class Prometheus : public ::testing::Test {
  protected:
    Emulator emulator{{"--registers", "50", "--seed", "3", "--now", fixed_now}};
    TempDir home;
    Env env{{"ATOL_KKT_NOW", fixed_now}};

    json::array list_json(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"list", "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = atol_kkt(emulator, home, args, env);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out).as_array();
    }
};

TEST_F(Prometheus, EveryValueEqualsListJsonInBaseUnits) {
    auto r = atol_kkt(emulator, home, {"prometheus"}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    auto families = parse_exposition(r.out);
    EXPECT_EQ(by_serial(families["atol_kkt_state"]).size(), 50u);
    ASSERT_EQ(families["atol_kkt_up"].size(), 1u);
    EXPECT_EQ(families["atol_kkt_up"][0].value, 1);
    EXPECT_EQ(families["atol_kkt_registers"][0].value, 50);
    EXPECT_EQ(families["atol_kkt_test_mode"][0].value, 1);
    ASSERT_EQ(families["atol_kkt_scrape_duration_seconds"].size(), 1u);
    EXPECT_LT(families["atol_kkt_scrape_duration_seconds"][0].value, 30);

    // Each family against its JSON key; JSON rounds decimals to 3 places of its own unit.
    const std::vector<std::tuple<std::string, std::string, double>> pairs = {
        {"atol_kkt_fn_time_left_seconds", "fn_days_left", 86400},
        {"atol_kkt_fn_usage", "fn_usage", 1},
        {"atol_kkt_unsent_docs", "unsent_docs", 1},
        {"atol_kkt_unsent_age_seconds", "unsent_age_hours", 3600},
        {"atol_kkt_ofd_block_time_left_seconds", "ofd_block_days_left", 86400},
        {"atol_kkt_data_age_seconds", "data_age_hours", 3600},
        {"atol_kkt_shift_open_seconds", "shift_open_hours", 3600},
        {"atol_kkt_network_error_code", "network_error", 1},
        {"atol_kkt_signed_documents", "signed_documents", 1},
        {"atol_kkt_shift_number", "shift_number", 1},
        {"atol_kkt_shift_receipts", "shift_receipts", 1},
        {"atol_kkt_state", "state_code", 1},
    };
    const json::array listed = list_json();
    ASSERT_EQ(listed.size(), 50u);
    int unknown_values = 0;
    for (const auto& [family, key, scale] : pairs) {
        const auto values = by_serial(families[family]);
        EXPECT_EQ(values.size(), families[family].size()) << family << ": a serial twice";
        for (const json::value& v : listed) {
            const json::object& o = v.as_object();
            const std::string serial(o.at("serial_number").as_string());
            const auto it = values.find(serial);
            if (o.at(key).is_null()) {
                EXPECT_EQ(it, values.end())
                    << family << " " << serial << ": unknown must be absent";
                ++unknown_values;
                continue;
            }
            ASSERT_NE(it, values.end()) << family << " " << serial;
            EXPECT_NEAR(it->second, o.at(key).to_number<double>() * scale, 0.0005 * scale + 0.001)
                << family << " " << serial;
        }
    }
    EXPECT_GT(unknown_values, 0);  // the generated mix has unknown fields

    // Labels carry the register's identity as the JSON has it.
    for (const Sample& s : families["atol_kkt_state"]) {
        const auto it = std::find_if(listed.begin(), listed.end(), [&](const json::value& v) {
            return v.at("serial_number").as_string() == s.labels.at("serial");
        });
        ASSERT_NE(it, listed.end());
        auto text = [&](const char* key) {
            const json::value& v = it->at(key);
            return v.is_null() ? std::string() : std::string(v.as_string());
        };
        EXPECT_EQ(s.labels.at("group"), text("group_code"));
        EXPECT_EQ(s.labels.at("inn"), text("fiscal_storage_inn"));
        EXPECT_EQ(s.labels.at("rnm"), text("registration_number"));
        EXPECT_EQ(s.labels.at("address"), text("fiscal_storage_payment_address"));
    }
}

TEST_F(Prometheus, SelectionAndThresholdsApplyAsInList) {
    const json::array all = list_json();
    const std::string group(all.at(0).at("group_code").as_string());
    const std::vector<std::string> options = {"--group",     group, "-w",
                                              "fn_usage=10", "-c",  "fn_days_left=400:"};
    const json::array listed = list_json(options);
    ASSERT_LT(listed.size(), 50u);
    std::vector<std::string> args{"prometheus"};
    args.insert(args.end(), options.begin(), options.end());
    auto r = atol_kkt(emulator, home, args, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto families = parse_exposition(r.out);
    EXPECT_EQ(families["atol_kkt_registers"][0].value, static_cast<double>(listed.size()));
    const auto states = by_serial(families["atol_kkt_state"]);
    ASSERT_EQ(states.size(), listed.size());
    int critical = 0;
    for (const json::value& v : listed) {
        const double code = static_cast<double>(v.at("state_code").as_int64());
        EXPECT_EQ(states.at(std::string(v.at("serial_number").as_string())), code);
        critical += code == 2;
    }
    EXPECT_GT(critical, 0);  // the tightened threshold took effect
}

TEST_F(Prometheus, AMissingSerialIsReportedNotFound) {
    const std::string present(list_json().at(0).at("serial_number").as_string());
    auto r = atol_kkt(emulator, home,
                      {"prometheus", "--serial", present, "--serial", "99999999999999"}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("\natol_kkt_register_not_found{serial=\"99999999999999\"} 1\n"));
    EXPECT_THAT(r.out, HasSubstr("\natol_kkt_registers 1\n"));
    EXPECT_EQ(by_serial(parse_exposition(r.out)["atol_kkt_state"]).count(present), 1u);
}

TEST_F(Prometheus, AFailedReadIsStillAnExpositionWithUpZero) {
    emulator.set_faults({{"fail_status", 500}, {"fail_count", -1}, {"fail_path", "any"}});
    auto r = atol_kkt(emulator, home, {"prometheus"}, env);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_THAT(r.err, StartsWith("atol-kkt: "));
    EXPECT_THAT(r.err, HasSubstr("HTTP 500"));
    EXPECT_THAT(r.out, StartsWith("# atol-kkt: "));
    EXPECT_THAT(r.out, HasSubstr("HTTP 500"));
    auto families = parse_exposition(r.out);
    ASSERT_EQ(families["atol_kkt_up"].size(), 1u);
    EXPECT_EQ(families["atol_kkt_up"][0].value, 0);
    EXPECT_EQ(families["atol_kkt_scrape_duration_seconds"].size(), 1u);
    EXPECT_EQ(families.count("atol_kkt_registers"), 0u);  // unknown, so absent
    EXPECT_EQ(families.count("atol_kkt_state"), 0u);
}

TEST_F(Prometheus, AnAccountLabelTellsTheFilesOfSeveralAccountsApart) {
    auto r = atol_kkt(emulator, home, {"prometheus", "--account-label", "shop"}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto families = parse_exposition(r.out);
    std::size_t samples = 0;
    for (const auto& [family, list] : families) {
        for (const Sample& s : list) {
            EXPECT_EQ(s.labels.count("account") ? s.labels.at("account") : "", "shop") << family;
            ++samples;
        }
    }
    EXPECT_GT(samples, 500u);
    EXPECT_THAT(r.out, HasSubstr("\natol_kkt_up{account=\"shop\"} 1\n"));
}

TEST_F(Prometheus, UsageErrorsPrintNothingAndExit2) {
    auto extra = atol_kkt(emulator, home, {"prometheus", "surplus"}, env);
    EXPECT_EQ(extra.exit_code, 2);
    EXPECT_EQ(extra.out, "");
    EXPECT_THAT(extra.err, HasSubstr("prometheus takes no arguments (got 'surplus')"));
    auto bad_threshold = atol_kkt(emulator, home, {"prometheus", "-w", "no_such_metric=1"}, env);
    EXPECT_EQ(bad_threshold.exit_code, 2);
    EXPECT_EQ(bad_threshold.out, "");
    EXPECT_THAT(bad_threshold.err, HasSubstr("no_such_metric"));
}

TEST_F(Prometheus, OutputFileIsReplacedAtomicallyWorldReadable) {
    const std::string dir = home.path() + "/textfile";
    std::filesystem::create_directory(dir);
    const std::string path = dir + "/atol-kkt.prom";
    home.write("textfile/atol-kkt.prom", "stale\n", 0600);
    const int old_reader = ::open(path.c_str(), O_RDONLY);
    ASSERT_GE(old_reader, 0);

    auto written = atol_kkt(emulator, home, {"prometheus", "--output", path}, env);
    ASSERT_EQ(written.exit_code, 0) << written.err;
    EXPECT_EQ(written.out, "");
    auto printed = atol_kkt(emulator, home, {"prometheus"}, env);
    EXPECT_EQ(without_duration(read_file(path)), without_duration(printed.out));

    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u);
    char old[8] = {};
    EXPECT_EQ(::read(old_reader, old, sizeof old), 6);  // the reader kept the whole old file
    EXPECT_EQ(std::string(old), "stale\n");
    ::close(old_reader);
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        names.push_back(e.path().filename());
    EXPECT_EQ(names, std::vector<std::string>{"atol-kkt.prom"});  // no temporary left

    // A failed read replaces the values with up 0 rather than leaving them to go stale.
    emulator.set_faults({{"fail_status", 503}, {"fail_count", -1}, {"fail_path", "any"}});
    Env no_cache = env;
    no_cache["ATOL_KKT_CACHE_TTL"] = "0";
    auto failed = atol_kkt(emulator, home, {"prometheus", "--output", path}, no_cache);
    EXPECT_EQ(failed.exit_code, 0);
    EXPECT_THAT(read_file(path), HasSubstr("\natol_kkt_up 0\n"));
    EXPECT_THAT(read_file(path), Not(HasSubstr("atol_kkt_state")));
}

TEST_F(Prometheus, AnUnwritableOutputIsAnErrorAndLeavesNothing) {
    const std::string path = home.path() + "/missing-dir/atol-kkt.prom";
    auto r = atol_kkt(emulator, home, {"prometheus", "--output", path}, env);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err, HasSubstr("atol-kkt: cannot write " + path));
    EXPECT_FALSE(std::filesystem::exists(home.path() + "/missing-dir"));
}

}  // namespace
}  // namespace kkt::testing
