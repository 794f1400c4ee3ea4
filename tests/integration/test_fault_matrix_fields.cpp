// Fault matrix, register fields: a wrong JSON type in every field of the register object
// (served verbatim by the emulator from a --fleet file). The register is always kept and the
// field shown as unknown; a field a default threshold depends on makes the register UNKNOWN,
// never OK; a descriptive field leaves the state to the metrics it does not touch.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>

#include "integration/support/cache_check.hpp"
#include "integration/support/emulator.hpp"
#include "integration/support/fault_matrix.hpp"
#include "integration/support/report.hpp"

namespace kkt::testing {
namespace {

namespace json = boost::json;

// Healthy at fleet_now under the default thresholds (an open shift, 3 documents unsent for
// 3.2 h), so any state but OK comes from the wrong field.
json::object healthy_register(const std::string& serial) {
    return json::parse(R"({"serialNumber":")" + serial + R"(",
        "registrationNumber":"0006538712045120","deviceNumber":"KKT031877",
        "fiscalizationDate":"2025-09-14T09:12:00+00:00",
        "fiscalStorageExpiration":"2027-11-28T21:00:00+00:00","signedDocuments":48211,
        "fiscalStoragePercentageUse":37.5,"fiscalStorageINN":"7701234567",
        "fiscalStorageSerialNumber":"7380440800123456",
        "fiscalStoragePaymentAddress":"shop.example.ru","groupCode":"shop-example-ru_1207",
        "timestamp":"2026-11-28T11:50:00+00:00","isShiftOpened":true,"shiftNumber":412,
        "shiftReceipt":96,"unsentDocs":3,"firstUnsetDocTimestamp":"2026-11-28T08:47:10+00:00",
        "networkErrorCode":0})")
        .as_object();
}

struct WrongField {
    const char* key;
    json::value value;
    const char* threshold_reason;  // the UNKNOWN reason, or nullptr: the state stays OK
};

// Every key of the API page's section 5, each with values of the wrong type (and dates that
// are strings but not dates).
std::vector<WrongField> wrong_fields() {
    const char* expiration = "fn_days_left unknown: fiscalStorageExpiration missing or invalid";
    const char* usage = "fn_usage unknown: fiscalStoragePercentageUse missing or invalid";
    const char* shift = "shift_open_hours unknown: isShiftOpened missing or invalid";
    const char* network = "network_error unknown: networkErrorCode missing or invalid";
    return {
        {"serialNumber", 12345, nullptr},
        {"registrationNumber", 6538712045120, nullptr},
        {"deviceNumber", true, nullptr},
        {"fiscalizationDate", 20250914, nullptr},
        {"fiscalizationDate", "14.09.2025", nullptr},
        {"fiscalStorageExpiration", "2027-13-45T00:00:00Z", expiration},
        {"fiscalStorageExpiration", 1234, expiration},
        {"fiscalStorageExpiration", json::object{}, expiration},
        {"signedDocuments", "48211", nullptr},
        {"signedDocuments", 1.5, nullptr},
        {"fiscalStoragePercentageUse", "37.5", usage},
        {"fiscalStoragePercentageUse", json::array{}, usage},
        {"fiscalStoragePercentageUse", false, usage},
        {"fiscalStorageINN", 7701234567, nullptr},
        {"fiscalStorageSerialNumber", json::array{}, nullptr},
        {"fiscalStoragePaymentAddress", json::object{}, nullptr},
        {"groupCode", 1207, nullptr},
        {"timestamp", false, "data_age_hours unknown: timestamp missing or invalid"},
        {"timestamp", "now", "data_age_hours unknown: timestamp missing or invalid"},
        {"isShiftOpened", "true", shift},
        {"isShiftOpened", 1, shift},
        {"shiftNumber", "412", nullptr},  // a lower bound from the first run that saw it open
        {"shiftReceipt", "96", nullptr},
        // The unsent age comes from the first-unsent time, which is intact here.
        {"unsentDocs", "3", nullptr},
        {"unsentDocs", json::array{3}, nullptr},
        {"firstUnsetDocTimestamp", 12345,
         "unsent_age_hours unknown: firstUnsetDocTimestamp missing or invalid"},
        {"firstUnsentDocTimestamp", "yesterday",
         "unsent_age_hours unknown: firstUnsentDocTimestamp missing or invalid"},
        {"networkErrorCode", "2", network},
        {"networkErrorCode", 2.5, network},
        {"networkErrorCode", nullptr, network},
    };
}

std::string serial_of(std::size_t i) {
    return "00199900000" + std::to_string(100 + i);
}

class FieldFaults : public ::testing::Test {
  protected:
    FieldFaults() : fields(wrong_fields()) {
        json::array fleet;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            json::object r = healthy_register(serial_of(i));
            if (std::string_view(fields[i].key) == "firstUnsentDocTimestamp")
                r.erase("firstUnsetDocTimestamp");
            r[fields[i].key] = fields[i].value;
            fleet.push_back(std::move(r));
        }
        fleet.push_back(healthy_register("00199900000999"));
        fleet_file = files.write("fleet.json", json::serialize(fleet));
        emulator = std::make_unique<Emulator>(std::vector<std::string>{"--fleet", fleet_file});
    }

    RunResult run(std::vector<std::string> args, bool check) {
        const Env env{{"ATOL_KKT_NOW", fleet_now}};
        return check ? check_atol_kkt(*emulator, home, args, env)
                     : atol_kkt(*emulator, home, args, env);
    }

    std::vector<WrongField> fields;
    TempDir files, home;
    std::string fleet_file;
    std::unique_ptr<Emulator> emulator;
};

TEST_F(FieldFaults, EveryRegisterKeptEveryWrongFieldUnknownNoWrongOk) {
    const RunResult list = run({"list", "--json"}, false);
    ASSERT_EQ(list.exit_code, 0) << list.err;
    const json::array rows = json::parse(list.out).as_array();
    ASSERT_EQ(rows.size(), fields.size() + 1);  // nobody dropped

    std::map<std::string, json::object> by_serial;
    for (const auto& row : rows) {
        const json::object& o = row.as_object();
        const std::string serial = o.at("serial_number").is_string()
                                       ? std::string(o.at("serial_number").as_string())
                                       : "(unknown serial)";
        by_serial[serial] = o;
    }
    std::size_t unknown_states = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const WrongField& f = fields[i];
        const std::string label = std::string(f.key) + " = " + json::serialize(f.value);
        const std::string serial =
            std::string_view(f.key) == "serialNumber" ? "(unknown serial)" : serial_of(i);
        ASSERT_TRUE(by_serial.contains(serial)) << label;
        const json::object& o = by_serial[serial];
        const json::array& unknown = o.at("unknown_fields").as_array();
        EXPECT_NE(std::find(unknown.begin(), unknown.end(), json::value(f.key)), unknown.end())
            << label << ": " << json::serialize(unknown);
        EXPECT_EQ(unknown.size(), 1u) << label;  // only the broken one
        if (f.threshold_reason) {
            ++unknown_states;
            EXPECT_EQ(o.at("state").as_string(), "UNKNOWN") << label;
            const json::array& problems = o.at("problems").as_array();
            ASSERT_EQ(problems.size(), 1u) << label << json::serialize(problems);
            EXPECT_NE(json::serialize(problems[0]).find(f.threshold_reason), std::string::npos)
                << label << ": " << json::serialize(problems[0]);
        } else {
            EXPECT_EQ(o.at("state").as_string(), "OK") << label;
        }
    }
    EXPECT_EQ(by_serial["00199900000999"].at("state").as_string(), "OK");

    // The check reads the list cached by the run above and says the same.
    const auto list_requests = emulator->stats().at("list_requests").as_int64();
    const RunResult check = run({}, true);
    EXPECT_EQ(emulator->stats().at("list_requests").as_int64(), list_requests);
    EXPECT_EQ(check.exit_code, 3);
    const std::string total = std::to_string(fields.size() + 1);
    const std::string ok = std::to_string(fields.size() + 1 - unknown_states);
    EXPECT_EQ(
        check.out.rfind("ATOL KKT UNKNOWN - " + std::to_string(unknown_states) + " unknown, " + ok +
                            " ok of " + total + " registers [test mode] | ",
                        0),
        0u)
        << check.out;
    EXPECT_EQ(check.err, "");
    const CacheInspection cache = inspect_cache(home.path() + "/cache");
    EXPECT_TRUE(cache.consistent()) << cache.summary();

    report_row({"wrong JSON type in each of the 18 register fields (" +
                    std::to_string(fields.size()) + " registers, one broken field each)",
                "exit 0, " + total +
                    " registers: every one kept, the field `null` and named in "
                    "`unknown_fields`",
                check_outcome(check, emulator->url()) + "; a field a default threshold needs → "
                                                        "that register UNKNOWN with the reason, "
                                                        "a descriptive field → OK",
                HasFailure() ? "FAILED" : "consistent; the check read the cached list"});
}

TEST_F(FieldFaults, SingleRegisterWithAnUnreadableThresholdFieldIsUnknown) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (!fields[i].threshold_reason) continue;
        const RunResult check = run({"--serial", serial_of(i)}, true);
        EXPECT_EQ(check.exit_code, 3) << fields[i].key;
        EXPECT_EQ(check.out.rfind("ATOL KKT UNKNOWN - " + serial_of(i) + " (shop.example.ru): " +
                                      fields[i].threshold_reason + " [test mode] | ",
                                  0),
                  0u)
            << check.out;
        EXPECT_EQ(check.err, "");
    }
}

TEST_F(FieldFaults, SingleRegisterEndpointMapsTheSameWay) {
    const RunResult get = run({"get", serial_of(5)}, false);  // fiscalStorageExpiration
    ASSERT_EQ(get.exit_code, 0) << get.err;
    const json::object o = json::parse(get.out).as_object();
    EXPECT_EQ(o.at("state").as_string(), "UNKNOWN");
    EXPECT_TRUE(o.at("fiscal_storage_expiration").is_null());
    EXPECT_TRUE(o.at("fn_days_left").is_null());
}

}  // namespace
}  // namespace kkt::testing
