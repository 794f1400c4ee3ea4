#pragma once
// The run's --timeout budget: every request gets what is left of it, so the whole run ends in
// time however many pages or re-authentications it needs.
#include <chrono>

namespace kkt {

class Deadline {
  public:
    using clock = std::chrono::steady_clock;
    explicit Deadline(std::chrono::milliseconds budget)
        : start_(clock::now()), end_(start_ + budget), budget_(budget) {}
    static Deadline unlimited() { return Deadline(std::chrono::hours(24 * 365)); }

    std::chrono::milliseconds remaining() const {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end_ - clock::now());
        return left.count() > 0 ? left : std::chrono::milliseconds(0);
    }
    bool expired() const { return clock::now() >= end_; }
    std::chrono::milliseconds budget() const { return budget_; }

  private:
    clock::time_point start_;
    clock::time_point end_;
    std::chrono::milliseconds budget_;
};

}  // namespace kkt
