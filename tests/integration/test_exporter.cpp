// `atol-kkt exporter` against the emulator: /metrics holds the families of `atol-kkt prometheus`
// and the exporter's own; concurrent scrapes of a cold cache cost one upstream fetch; a scrape
// never waits longer than its own timeout; a failed read keeps the last registers with
// atol_kkt_up 0; /probe serves profiles; /, /-/healthy, /-/ready; SIGHUP and SIGTERM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <future>
#include <regex>
#include <thread>

#include "common/version.hpp"
#include "integration/support/emulator.hpp"
#include "integration/support/emulator_control.hpp"
#include "integration/support/exporter.hpp"
#include "integration/support/http_client.hpp"

namespace kkt::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

// The value of the sample `series` (name and labels as printed), or nullopt.
std::optional<double> sample(const std::string& exposition, const std::string& series) {
    const std::string prefix = series + " ";
    for (std::size_t at = 0; (at = exposition.find(prefix, at)) != std::string::npos; ++at)
        if (at == 0 || exposition[at - 1] == '\n')
            return std::stod(exposition.substr(at + prefix.size()));
    return std::nullopt;
}

std::size_t lines_starting(const std::string& text, const std::string& prefix) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = text.find("\n" + prefix, at)) != std::string::npos; ++at) ++n;
    return n;
}

Env exporter_env(const Emulator& emulator, const TempDir& home, const Env& extra = {}) {
    return atol_kkt_env(emulator, home, extra);
}

TEST(Exporter, MetricsHoldTheRegistersAndTheExportersOwnFamilies) {
    Emulator emulator{{"--registers", "40", "--seed", "5"}};
    TempDir home;
    ExporterProcess exporter({}, exporter_env(emulator, home));
    const HttpReply reply = http_get(exporter.url() + "/metrics");
    ASSERT_EQ(reply.status, 200) << reply.error;
    EXPECT_EQ(reply.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const std::string& text = reply.body;
    EXPECT_EQ(sample(text, "atol_kkt_up"), 1);
    EXPECT_EQ(sample(text, "atol_kkt_registers"), 40);
    EXPECT_EQ(lines_starting(text, "atol_kkt_state{"), 40u);
    EXPECT_EQ(sample(text, "atol_kkt_test_mode"), 1);
    EXPECT_EQ(sample(text, "atol_kkt_api_requests_total{outcome=\"success\"}"), 1);
    EXPECT_EQ(sample(text, "atol_kkt_api_requests_total{outcome=\"timeout\"}"), 0);
    EXPECT_EQ(sample(text, "atol_kkt_build_info{version=\"" + std::string(version) + "\"}"), 1);
    EXPECT_THAT(text, HasSubstr("# TYPE atol_kkt_api_requests_total counter\n"));
    const auto fetched = sample(text, "atol_kkt_last_success_timestamp_seconds");
    ASSERT_TRUE(fetched);
    EXPECT_NEAR(*fetched, static_cast<double>(std::time(nullptr)), 60);
    EXPECT_TRUE(sample(text, "atol_kkt_list_age_seconds"));
    EXPECT_TRUE(sample(text, "atol_kkt_refresh_duration_seconds"));
    // Every metric family of `atol-kkt prometheus` is there too.
    const RunResult prometheus = atol_kkt(emulator, home, {"prometheus"});
    ASSERT_EQ(prometheus.exit_code, 0) << prometheus.err;
    static const std::regex type_line(R"(# TYPE (\S+) )");
    for (auto it = std::sregex_iterator(prometheus.out.begin(), prometheus.out.end(), type_line);
         it != std::sregex_iterator(); ++it)
        EXPECT_THAT(text, HasSubstr("# TYPE " + (*it)[1].str() + " ")) << (*it)[1];
    // The same registers' lines as the command prints from the same cached list.
    for (const std::string& line :
         {std::string("atol_kkt_state{"), std::string("atol_kkt_fn_usage{")}) {
        EXPECT_EQ(lines_starting(text, line), lines_starting(prometheus.out, line)) << line;
    }
}

TEST(Exporter, GzipAnswerHoldsTheSameExposition) {
    Emulator emulator{{"--registers", "30"}};
    TempDir home;
    ExporterProcess exporter({}, exporter_env(emulator, home));
    const HttpReply plain = http_get(exporter.url() + "/metrics");
    const HttpReply zipped =
        http_get(exporter.url() + "/metrics", {.headers = {"Accept-Encoding: gzip"}});
    ASSERT_EQ(zipped.status, 200);
    EXPECT_EQ(zipped.headers.at("content-encoding"), "gzip");
    EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
    const std::string unzipped = gunzip(zipped.body);
    EXPECT_LT(zipped.body.size(), unzipped.size() / 3);
    // The registers' part is the same; the scrape's own samples (duration) may differ.
    const auto registers_part = [](const std::string& text) {
        return text.substr(text.find("# HELP atol_kkt_registers "));
    };
    EXPECT_EQ(registers_part(unzipped), registers_part(plain.body));
}

// The files of $TMPDIR the process `pid` holds open (unnamed temporary files show as
// "DIR/#INODE (deleted)", or a removed name with " (deleted)").
std::vector<std::string> open_files_in(pid_t pid, const std::string& dir) {
    std::vector<std::string> found;
    const std::string fds = "/proc/" + std::to_string(pid) + "/fd";
    for (const auto& entry : std::filesystem::directory_iterator(fds)) {
        std::error_code error;
        const std::string target = std::filesystem::read_symlink(entry.path(), error).string();
        if (!error && target.starts_with(dir + "/")) found.push_back(target);
    }
    return found;
}

// A large account's exposition (2,000 registers: about 4 MiB of text) is not held in the
// exporter's memory: beyond its first MiB it lies in an unnamed temporary file of $TMPDIR,
// read as it is sent; the answer, plain or compressed, is still the whole exposition.
TEST(Exporter, LargeExpositionIsSentFromTemporaryFilesWhole) {
    Emulator emulator{{"--registers", "2000", "--seed", "9"}};
    TempDir home;
    const std::string spool_dir = home.path() + "/tmp";
    std::filesystem::create_directory(spool_dir);
    ExporterProcess exporter({"--cache-ttl", "3600"},
                             exporter_env(emulator, home, {{"TMPDIR", spool_dir}}));
    const HttpReply plain = http_get(exporter.url() + "/metrics");
    ASSERT_EQ(plain.status, 200) << plain.error;
    EXPECT_GT(plain.body.size(), std::size_t{2} << 20);
    EXPECT_EQ(sample(plain.body, "atol_kkt_registers"), 2000);
    EXPECT_EQ(lines_starting(plain.body, "atol_kkt_state{"), 2000u);
    EXPECT_TRUE(plain.body.ends_with("\n"));
    const auto files = open_files_in(exporter.pid(), spool_dir);
    ASSERT_GE(files.size(), 1u);
    for (const std::string& file : files) EXPECT_THAT(file, HasSubstr("(deleted)"));
    EXPECT_TRUE(std::filesystem::is_empty(spool_dir));  // unnamed: nothing left behind

    const auto registers_part = [](const std::string& text) {
        return text.substr(text.find("# HELP atol_kkt_registers "));
    };
    for (int i = 0; i < 3; ++i) {  // sent again from the same files, whole each time
        const HttpReply again = http_get(exporter.url() + "/metrics");
        ASSERT_EQ(again.status, 200) << again.error;
        EXPECT_EQ(registers_part(again.body), registers_part(plain.body));
        const HttpReply zipped =
            http_get(exporter.url() + "/metrics", {.headers = {"Accept-Encoding: gzip"}});
        ASSERT_EQ(zipped.status, 200) << zipped.error;
        EXPECT_EQ(registers_part(gunzip(zipped.body)), registers_part(plain.body));
    }
    const HttpReply head = raw_exchange(
        exporter.port(), "HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(head.status, 200);
    EXPECT_GT(std::stoul(head.headers.at("content-length")), std::size_t{2} << 20);
    EXPECT_EQ(head.body, "");  // the length of the body, not the body
}

// With a $TMPDIR it cannot write, a large account's scrape is a 500 saying why (and the log
// says it too), never an answer without the registers.
TEST(Exporter, UnwritableTemporaryDirectoryIsAClearError) {
    Emulator emulator{{"--registers", "2000", "--seed", "9"}};
    TempDir home;
    ExporterProcess exporter({}, exporter_env(emulator, home, {{"TMPDIR", home.path() + "/none"}}));
    const HttpReply reply = http_get(exporter.url() + "/metrics");
    EXPECT_EQ(reply.status, 500);
    EXPECT_THAT(reply.body, HasSubstr("temporary file of " + home.path() + "/none"));
    EXPECT_TRUE(exporter.wait_for_log("cannot answer a scrape: ", 10s)) << exporter.log();
    const HttpReply healthy = http_get(exporter.url() + "/-/healthy");
    EXPECT_EQ(healthy.status, 200);
}

TEST(Exporter, ConcurrentScrapesOfAColdCacheCostOneUpstreamFetch) {
    Emulator emulator{{"--registers", "100", "--latency", "300"}};
    TempDir home;
    ExporterProcess exporter({"--web.max-connections", "400", "--cache-ttl", "300"},
                             exporter_env(emulator, home));
    constexpr int scrapes = 200;
    std::vector<std::future<HttpReply>> replies;
    for (int i = 0; i < scrapes; ++i)
        replies.push_back(std::async(std::launch::async, [&] {
            return http_get(exporter.url() + "/metrics",
                            {.headers = {"X-Prometheus-Scrape-Timeout-Seconds: 20"}});
        }));
    int ok = 0;
    for (auto& r : replies) {
        const HttpReply reply = r.get();
        if (reply.status == 200 && sample(reply.body, "atol_kkt_registers") == 100) ++ok;
    }
    EXPECT_EQ(ok, scrapes);
    const auto stats = emulator.stats();
    EXPECT_EQ(stats.at("list_fetches").as_int64(), 1);
    EXPECT_EQ(stats.at("tokens_issued").as_int64(), 1);
}

TEST(Exporter, AScrapeWaitsNoLongerThanItsOwnTimeout) {
    Emulator emulator{{"--registers", "10", "--latency", "4000"}};
    TempDir home;
    ExporterProcess exporter({"--timeout", "30"}, exporter_env(emulator, home));
    const auto started = std::chrono::steady_clock::now();
    const HttpReply reply = http_get(exporter.url() + "/metrics",
                                     {.headers = {"X-Prometheus-Scrape-Timeout-Seconds: 1.5"}});
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(reply.status, 200);
    EXPECT_LT(took, 1500ms);
    EXPECT_GE(took, 700ms);  // it did wait for the read, less the margin
    EXPECT_EQ(sample(reply.body, "atol_kkt_up"), 0);
    EXPECT_THAT(reply.body,
                HasSubstr("# atol-kkt: the first read of the register list is under way"));
    EXPECT_EQ(reply.body.find("atol_kkt_state{"), std::string::npos);
}

TEST(Exporter, AFailedReadKeepsTheLastRegistersWithUpZero) {
    Emulator emulator{{"--registers", "25"}};
    TempDir home;
    ExporterProcess exporter({"--cache-ttl", "1", "--timeout", "5"}, exporter_env(emulator, home));
    const HttpReply good = http_get(exporter.url() + "/metrics");
    ASSERT_EQ(sample(good.body, "atol_kkt_up"), 1);
    const auto fetched = sample(good.body, "atol_kkt_last_success_timestamp_seconds");
    emulator.set_faults({{"fail_status", 503}, {"fail_path", "any"}});
    std::this_thread::sleep_for(1200ms);
    const HttpReply bad = http_get(exporter.url() + "/metrics");
    ASSERT_EQ(bad.status, 200);
    EXPECT_EQ(sample(bad.body, "atol_kkt_up"), 0);
    EXPECT_EQ(sample(bad.body, "atol_kkt_registers"), 25);
    EXPECT_EQ(lines_starting(bad.body, "atol_kkt_state{"), 25u);
    EXPECT_EQ(sample(bad.body, "atol_kkt_last_success_timestamp_seconds"), fetched);
    EXPECT_GE(*sample(bad.body, "atol_kkt_list_age_seconds"), 1);
    EXPECT_EQ(sample(bad.body, "atol_kkt_api_requests_total{outcome=\"api_error\"}"), 1);
    EXPECT_THAT(bad.body, HasSubstr("# atol-kkt: reading the register list failed: "));
    // Its stderr is read by a thread of the test: the line may arrive after the scrape.
    EXPECT_TRUE(exporter.wait_for_log("reading the register list failed", 5s)) << exporter.log();
    // The last good registers were let go before the failed read (docs/performance.md, "The
    // exporter"): the page, never viewed before it, shows them all the same.
    const HttpReply page = http_get(exporter.url() + "/");
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(lines_starting(page.body, "<tr class=\""), 25u);
    EXPECT_THAT(page.body, HasSubstr("<span class=\"n\" id=\"count-total\">25</span>"));
    EXPECT_THAT(page.body, HasSubstr("The registers below are from the last good read."));
    EXPECT_THAT(page.body, HasSubstr("</tbody>\n</table>\n<footer>"));
    // A reload then (the account unchanged) keeps what is served until a read succeeds.
    exporter.signal(SIGHUP);
    ASSERT_TRUE(exporter.wait_for_log("reloaded the profiles and the web config", 10s));
    const HttpReply reloaded = http_get(exporter.url() + "/metrics");
    ASSERT_EQ(reloaded.status, 200);
    EXPECT_EQ(sample(reloaded.body, "atol_kkt_up"), 0);
    EXPECT_EQ(sample(reloaded.body, "atol_kkt_registers"), 25);
    EXPECT_EQ(lines_starting(reloaded.body, "atol_kkt_state{"), 25u);
    EXPECT_EQ(lines_starting(http_get(exporter.url() + "/").body, "<tr class=\""), 25u);
    // And once ATOL is back (the retry comes after the TTL), up again.
    emulator.set_faults({});
    std::this_thread::sleep_for(1200ms);
    const HttpReply back = http_get(exporter.url() + "/metrics");
    EXPECT_EQ(sample(back.body, "atol_kkt_up"), 1);
}

TEST(Exporter, ProbeServesAProfileAndRefusesNamesThatAreNotPlain) {
    Emulator emulator{{"--registers", "30"}};
    TempDir home;
    TempDir profiles;
    // A profile of the same account selecting one register.
    const boost::json::array fleet = emulator_fleet(emulator);
    const std::string serial =
        boost::json::value_to<std::string>(fleet.at(0).as_object().at("serialNumber"));
    profiles.write("shop.conf", "serial = " + serial + "\n");
    ExporterProcess exporter(
        {}, exporter_env(emulator, home, {{"ATOL_KKT_CONFIG_DIR", profiles.path()}}));
    const HttpReply shop = http_get(exporter.url() + "/probe?profile=shop");
    ASSERT_EQ(shop.status, 200) << shop.body;
    EXPECT_EQ(sample(shop.body, "atol_kkt_up"), 1);
    EXPECT_EQ(sample(shop.body, "atol_kkt_registers"), 1);
    EXPECT_EQ(http_get(exporter.url() + "/probe?profile=nosuch").status, 404);
    for (const std::string bad : {"..", "..%2Fetc%2Fpasswd", "a%2Fb", ".hidden", "", "a%00b"})
        EXPECT_EQ(http_get(exporter.url() + "/probe?profile=" + bad).status, 400) << bad;
    EXPECT_EQ(http_get(exporter.url() + "/probe").status, 400);
}

TEST(Exporter, SighupRereadsTheProfiles) {
    Emulator emulator{{"--registers", "10"}};
    TempDir home;
    TempDir profiles;
    const boost::json::array fleet = emulator_fleet(emulator);
    const auto serial_of = [&](std::size_t i) {
        return boost::json::value_to<std::string>(fleet.at(i).as_object().at("serialNumber"));
    };
    profiles.write("shop.conf", "serial = " + serial_of(0) + "\n");
    ExporterProcess exporter(
        {}, exporter_env(emulator, home, {{"ATOL_KKT_CONFIG_DIR", profiles.path()}}));
    const HttpReply before = http_get(exporter.url() + "/probe?profile=shop");
    ASSERT_EQ(before.status, 200) << before.body;
    EXPECT_THAT(before.body, HasSubstr("serial=\"" + serial_of(0) + "\""));
    profiles.write("shop.conf", "serial = " + serial_of(1) + "\n");
    exporter.signal(SIGHUP);
    ASSERT_TRUE(exporter.wait_for_log("reloaded the profiles and the web config", 10s));
    const HttpReply after = http_get(exporter.url() + "/probe?profile=shop",
                                     {.headers = {"X-Prometheus-Scrape-Timeout-Seconds: 10"}});
    ASSERT_EQ(after.status, 200) << after.body;
    EXPECT_EQ(sample(after.body, "atol_kkt_registers"), 1);
    EXPECT_THAT(after.body, HasSubstr("serial=\"" + serial_of(1) + "\""));
    EXPECT_THAT(after.body, Not(HasSubstr("serial=\"" + serial_of(0) + "\"")));
}

}  // namespace
}  // namespace kkt::testing
