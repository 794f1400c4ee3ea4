// Every command with its stdout on /dev/full: a write that fails must not pass for success.
// The tools exit 1 with the reason on stderr; the check, which may not use stderr, is UNKNOWN.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/support/emulator.hpp"
#include "unit/zabbix_fake_trapper.hpp"

namespace kkt::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* fixed_now = "2026-11-28T12:00:00Z";
constexpr const char* full_disk_error =
    "atol-kkt: cannot write the output: No space left on device\n";

class StdoutFull : public ::testing::Test {
  protected:
    Emulator emulator{{"--registers", "5", "--seed", "3", "--now", fixed_now}};
    TempDir home;

    // `program args...` with stdout on /dev/full.
    RunResult run_into_full(const std::string& program, const std::vector<std::string>& args) {
        std::vector<std::string> shell{"-c", "exec \"$0\" \"$@\" >/dev/full", program};
        shell.insert(shell.end(), args.begin(), args.end());
        return run_program("/bin/sh", shell,
                           atol_kkt_env(emulator, home, {{"ATOL_KKT_NOW", fixed_now}}));
    }
    RunResult atol_kkt_into_full(const std::vector<std::string>& args) {
        return run_into_full(ATOL_KKT_BIN, args);
    }
    std::string a_serial() const {
        const auto fleet = dumped_fleet(5, 3, fixed_now);
        return std::string(fleet.at(0).at("serialNumber").as_string());
    }
};

TEST_F(StdoutFull, ToolCommandsExit1WithTheReasonOnStderr) {
    const std::string serial = a_serial();
    const std::vector<std::vector<std::string>> commands{
        {"list"},
        {"list", "--json"},
        {"list", "--csv"},
        {"get", serial},
        {"zabbix", "discovery"},
        {"zabbix", "registers"},
        {"zabbix", "get", serial, "fn_days_left"},
        {"prometheus"},
    };
    for (const auto& command : commands) {
        const RunResult r = atol_kkt_into_full(command);
        EXPECT_EQ(r.exit_code, 1) << command.front() << " " << command.back();
        EXPECT_THAT(r.err, HasSubstr(full_disk_error)) << command.front() << " " << command.back();
    }
}

TEST_F(StdoutFull, ZabbixSendExits1AfterSending) {
    FakeTrapper trapper([](const TrapperMessage& m) {
        return TrapperAnswer{zabbix_success(count_values(m.payload), 0)};
    });
    const RunResult r = atol_kkt_into_full(
        {"zabbix", "send", "--zabbix-server", trapper.address(), "--host", "shop"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, full_disk_error);
    EXPECT_EQ(trapper.messages().size(), 1u);
}

TEST_F(StdoutFull, HelpAndVersionExit1) {
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"--help"},
                                               {"--version"},
                                               {"list", "--help"},
                                               {"zabbix", "--help"},
                                               {"zabbix", "get", "--help"},
                                               {"prometheus", "-V"}}) {
        const RunResult r = atol_kkt_into_full(args);
        EXPECT_EQ(r.exit_code, 1) << args.front() << " " << args.back();
        EXPECT_EQ(r.err, full_disk_error) << args.front() << " " << args.back();
    }
}

TEST_F(StdoutFull, TheCheckIsUnknownAndSilent) {
    // Its state on a working stdout (this also makes the check_atol_kkt link in `home`).
    const RunResult normal = check_atol_kkt(emulator, home, {}, {{"ATOL_KKT_NOW", fixed_now}});
    ASSERT_NE(normal.exit_code, 3) << normal.out;
    const std::string link = home.path() + "/check_atol_kkt";
    const std::vector<std::vector<std::string>> cases{{}, {"--serial", a_serial()}, {"--help"}};
    for (const std::vector<std::string>& args : cases) {
        for (const bool as_plugin : {true, false}) {
            std::vector<std::string> full_args = args;
            if (!as_plugin) full_args.insert(full_args.begin(), "check");
            const RunResult r = run_into_full(as_plugin ? link : ATOL_KKT_BIN, full_args);
            EXPECT_EQ(r.exit_code, 3) << as_plugin << " " << args.size();
            EXPECT_EQ(r.err, "") << "nothing may reach stderr";
        }
    }
}

}  // namespace
}  // namespace kkt::testing
