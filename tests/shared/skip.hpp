#pragma once
// Skipping a test whose prerequisite this machine lacks (root, for one): a developer's run skips
// it and says why; CI (CI=true, exported by .ci/run) fails it instead, since a skip there would
// pass silently. Prerequisites scripts/setup.sh --tests installs are asserted, never skipped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace kkt::testing {

inline bool running_in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string_view(ci) == "true";
}

}  // namespace kkt::testing

// In a test body instead of `GTEST_SKIP() << reason;` (returns from it):
//   if (geteuid() != 0) SKIP_OR_FAIL_IN_CI("needs root");
#define SKIP_OR_FAIL_IN_CI(reason)                                                               \
    do {                                                                                         \
        if (::kkt::testing::running_in_ci()) GTEST_FAIL() << "CI=true, not skipped: " << reason; \
        GTEST_SKIP() << reason;                                                                  \
    } while (false)
