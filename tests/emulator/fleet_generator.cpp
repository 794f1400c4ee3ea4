#include "fleet_generator.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "json_text.hpp"

namespace emu {
namespace {

using namespace std::chrono;

// splitmix64: tiny, fast and identical on every platform (std distributions are not).
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // Inclusive range.
    std::int64_t between(std::int64_t low, std::int64_t high) {
        return low + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(high - low + 1));
    }
    bool chance(int percent) { return between(0, 99) < percent; }

  private:
    std::uint64_t state_;
};

// An independent stream per (seed, purpose, index), so register i does not depend on N.
Rng stream(std::uint64_t seed, std::uint64_t purpose, std::uint64_t index) {
    Rng mixer(seed * 0x100000001B3ULL + purpose);
    const std::uint64_t base = mixer.next();
    return Rng(base ^ (index * 0xD6E8FEB86659FD93ULL));
}

enum class Kind {
    healthy,
    unsent_recent,      // a few documents waiting hours, still fine
    fn_expiring_month,  // ФН ends in 8..29 days
    fn_expiring_week,   // ФН ends in under 7 days
    fn_expired,
    fn_nearly_full,  // 85..99.9 %
    unsent_old,      // oldest unsent document 25 h .. 29 days old
    network_error,   // codes 1..8, with documents piling up
    stale,           // `timestamp` 7 h .. 10 days old
    incomplete,      // missing keys and a null
};

constexpr std::size_t block_size = 20;
constexpr std::array<Kind, block_size> block_mix = {
    Kind::healthy,           Kind::healthy,          Kind::healthy,    Kind::healthy,
    Kind::healthy,           Kind::healthy,          Kind::healthy,    Kind::healthy,
    Kind::healthy,           Kind::healthy,          Kind::healthy,    Kind::unsent_recent,
    Kind::fn_expiring_month, Kind::fn_expiring_week, Kind::fn_expired, Kind::fn_nearly_full,
    Kind::unsent_old,        Kind::network_error,    Kind::stale,      Kind::incomplete,
};

std::array<Kind, block_size> block_kinds(std::uint64_t seed, std::size_t block) {
    auto kinds = block_mix;
    Rng rng = stream(seed, 1, block);
    for (std::size_t i = block_size - 1; i > 0; --i) {
        std::swap(kinds[i],
                  kinds[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(i)))]);
    }
    return kinds;
}

std::string digits(std::uint64_t value, int width) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%0*llu", width, static_cast<unsigned long long>(value));
    return buffer;
}

// A 10-digit INN of a legal entity, with its check digit.
std::string company_inn(std::uint64_t seed, std::size_t company) {
    Rng rng = stream(seed, 4, company);
    std::string inn = "77" + digits(static_cast<std::uint64_t>(rng.between(0, 9'999'999)), 7);
    static constexpr std::array<int, 9> inn_check_weights = {2, 4, 10, 3, 5, 9, 4, 6, 8};
    int sum = 0;
    for (std::size_t i = 0; i < inn_check_weights.size(); ++i)
        sum += (inn[i] - '0') * inn_check_weights[i];
    inn += static_cast<char>('0' + sum % 11 % 10);
    return inn;
}

// A shop site: several registers per group, several groups per company (INN).
struct Shop {
    std::string address;
    std::string group_code;
    std::string inn;
};

Shop make_shop(std::uint64_t seed, std::size_t group) {
    const std::size_t number = group + 1;
    const std::size_t company = group / 3;
    const std::string code = digits(1000 + (company * 211 + 1207) % 9000, 4);
    if (group % 5 == 2) {  // some shops have Cyrillic (IDN) sites
        return {"магазин-" + std::to_string(number) + ".рф",
                "magazin-" + std::to_string(number) + "-rf_" + code, company_inn(seed, company)};
    }
    return {"shop" + std::to_string(number) + ".example.ru",
            "shop" + std::to_string(number) + "-example-ru_" + code, company_inn(seed, company)};
}

// "37.5" style: hundredths of a percent, always with a fraction as a JSON double.
std::string percent_text(std::int64_t hundredths) {
    std::string text = std::to_string(hundredths / 100) + "." +
                       digits(static_cast<std::uint64_t>(hundredths % 100), 2);
    if (text.back() == '0') text.pop_back();
    return text;
}

OffsetStyle style_for(std::size_t index) {
    if (index % 10 == 3) return OffsetStyle::moscow;
    if (index % 10 == 7) return OffsetStyle::zulu;
    return OffsetStyle::utc;
}

constexpr std::array<int, 3> fn_life_days = {395, 456, 1095};  // 13, 15 and 36 months

struct Unsent {
    std::int64_t count = 0;
    SysSeconds oldest{};
};

// The values of a ФН that change as it is used.
struct FnState {
    std::string serial;
    SysSeconds expiration;
    std::int64_t percent = 0;  // hundredths
    std::int64_t signed_documents = 0;
};

// The busy register of a block fills 2 %/day from 66 % and has its ФН replaced after 14 days,
// at 94 %: the forecast's test case (docs/forecast.md).
constexpr std::int64_t busy_start_percent = 6600;
constexpr std::int64_t busy_rate = 200;  // hundredths of a percent a day
constexpr auto busy_replaced_after = days{14};

// `fn` at `grown_until`, grown since `since` at `rate` hundredths of a percent a day and
// `per_percent` documents per percent. A ФН signs nothing once expired or full.
void grow(FnState& fn, SysSeconds since, SysSeconds grown_until, std::int64_t rate,
          std::int64_t per_percent) {
    const SysSeconds full_at =
        since + seconds{(10000 - std::min<std::int64_t>(fn.percent, 10000)) * 86400 / rate};
    const SysSeconds end = std::min({grown_until, fn.expiration, full_at});
    if (end <= since) return;
    const std::int64_t rise = (end - since).count() * rate / 86400;  // whole hundredths
    fn.percent += rise;
    fn.signed_documents += rise * per_percent / 100;
}

// The ФН of register `index` at `p.now` in growth mode, from `fn`, its ФН at growth_since.
FnState grown_fn(const FleetParams& p, std::size_t index, Kind kind, bool busy, int life_days,
                 FnState fn) {
    const SysSeconds since = *p.growth_since;
    Rng rng = stream(p.seed, 5, index);
    std::int64_t rate = kind == Kind::fn_nearly_full ? rng.between(5, 50) : rng.between(2, 40);
    const std::int64_t per_percent = rng.between(800, 4000);
    if (!busy) {
        grow(fn, since, p.now, rate, per_percent);
        return fn;
    }
    fn.percent = busy_start_percent;
    fn.signed_documents = busy_start_percent * per_percent / 100;
    rate = busy_rate;
    const SysSeconds replaced = since + busy_replaced_after;
    if (p.now < replaced) {
        grow(fn, since, p.now, rate, per_percent);
        return fn;
    }
    FnState fresh{"7380441" + fn.serial.substr(7),
                  floor<days>(replaced) + days{life_days} + hours{21}, 0, 0};
    grow(fresh, replaced, p.now, rate, per_percent);
    return fresh;
}

std::string make_register(const FleetParams& p, std::size_t index, Kind kind, bool busy,
                          const Shop& shop, const std::string& serial) {
    Rng rng = stream(p.seed, 3, index);
    // In growth mode the register is made as at the start, then grown until p.now.
    const SysSeconds now = p.growth_since.value_or(p.now);
    const OffsetStyle style = style_for(index);
    const bool odd_block = (index / block_size) % 2 == 1;
    const int life_days = fn_life_days[static_cast<std::size_t>(rng.between(0, 2))];

    // ФН end: healthy ones end at midnight Moscow time, as real ones do.
    SysSeconds expiration;
    switch (kind) {
        case Kind::fn_expiring_month:
            expiration = now + minutes{rng.between(8 * 1440, 29 * 1440 + 720)};
            break;
        case Kind::fn_expiring_week:
            expiration = now + minutes{rng.between(360, 6 * 1440 + 1320)};
            break;
        case Kind::fn_expired:
            expiration = now - minutes{rng.between(720, 60 * 1440)};
            break;
        default: {
            const auto day = floor<days>(now) + days{rng.between(45, life_days - 5)};
            expiration = day + hours{21};
        }
    }
    const SysSeconds fiscalization = expiration - days{life_days} + minutes{rng.between(540, 1200)};

    Unsent unsent;
    bool alternate_spelling = false;
    std::int64_t network_error = 0;
    switch (kind) {
        case Kind::unsent_recent:
            unsent = {rng.between(1, 20), now - minutes{rng.between(10, 20 * 60)}};
            alternate_spelling = !odd_block;
            break;
        case Kind::unsent_old:
            unsent = {rng.between(20, 2000), now - minutes{rng.between(25 * 60, 29 * 1440)}};
            alternate_spelling = odd_block;
            break;
        case Kind::network_error:
            network_error = rng.between(1, 8);
            unsent = {rng.between(5, 300), now - minutes{rng.between(60, 6 * 1440)}};
            break;
        default:
            if (rng.chance(15)) unsent = {rng.between(1, 3), now - minutes{rng.between(1, 30)}};
    }

    const SysSeconds status_time = kind == Kind::stale
                                       ? now - minutes{rng.between(7 * 60, 10 * 1440)}
                                       : now - seconds{rng.between(0, 1800)};
    const std::int64_t percent =
        kind == Kind::fn_nearly_full ? rng.between(8500, 9990) : rng.between(50, 7500);
    const std::int64_t days_active =
        std::max<std::int64_t>(1, duration_cast<days>(now - fiscalization).count());
    const bool shift_open = rng.chance(60);
    FnState fn{"7380440" + digits((800123456ULL + index * 17ULL) % 1'000'000'000ULL, 9), expiration,
               percent, rng.between(100, 300'000)};
    std::int64_t shift_number = rng.between(1, days_active);
    const std::int64_t shift_receipts = rng.between(shift_open ? 0 : 5, 400);
    SysSeconds status = status_time;
    if (p.growth_since) {
        // Reported as often as before, one shift a day, each ФН filling at its own rate.
        const auto elapsed = p.now - now;
        status += elapsed;
        unsent.oldest += elapsed;
        shift_number += duration_cast<days>(elapsed).count();
        fn = grown_fn(p, index, kind, busy, life_days, fn);
    }

    JsonObjectText r;
    r.add_string("serialNumber", serial);
    r.add_string("registrationNumber",
                 digits((6538712045120ULL + index * 7919ULL + p.seed * 1000003ULL) %
                            10'000'000'000'000'000ULL,
                        16));
    r.add_string("deviceNumber", "KKT" + digits((31877 + index) % 1'000'000, 6));
    r.add_string("fiscalizationDate", format_iso8601(fiscalization, style));
    r.add_string("fiscalStorageExpiration", format_iso8601(fn.expiration, style));
    r.add_integer("signedDocuments", fn.signed_documents);
    r.add_raw("fiscalStoragePercentageUse", percent_text(fn.percent));
    r.add_string("fiscalStorageINN", shop.inn);
    r.add_string("fiscalStorageSerialNumber", fn.serial);
    r.add_string("fiscalStoragePaymentAddress", shop.address);
    r.add_string("groupCode", shop.group_code);
    r.add_string("timestamp", format_iso8601(status, style));
    r.add_boolean("isShiftOpened", shift_open);
    r.add_integer("shiftNumber", shift_number);
    r.add_integer("shiftReceipt", shift_receipts);
    if (unsent.count > 0) {  // the API leaves both keys out when nothing is unsent
        r.add_integer("unsentDocs", unsent.count);
        r.add_string(alternate_spelling ? "firstUnsentDocTimestamp" : "firstUnsetDocTimestamp",
                     format_iso8601(unsent.oldest, style));
    }
    r.add_integer("networkErrorCode", network_error);

    if (kind == Kind::incomplete) {
        static constexpr std::array<const char*, 14> optional_fields = {
            "registrationNumber", "deviceNumber",
            "fiscalizationDate",  "fiscalStorageExpiration",
            "signedDocuments",    "fiscalStoragePercentageUse",
            "fiscalStorageINN",   "fiscalStorageSerialNumber",
            "groupCode",          "timestamp",
            "isShiftOpened",      "shiftNumber",
            "shiftReceipt",       "networkErrorCode"};
        const auto pick = [&] {
            return optional_fields[static_cast<std::size_t>(rng.between(0, 13))];
        };
        const auto removals = rng.between(1, 2);
        for (std::int64_t i = 0; i < removals; ++i) r.remove(pick());
        const char* nulled = pick();
        if (!r.has(nulled)) r.add_raw(nulled, "null");
        r.set_null(nulled);
    }
    return r.str();
}

}  // namespace

std::vector<GeneratedRegister> generate_fleet(const FleetParams& params) {
    std::vector<GeneratedRegister> fleet;
    fleet.reserve(params.registers);
    const std::uint64_t serial_base = 106709186412ULL + (params.seed % 100'000) * 1'000'000ULL;

    std::array<Kind, block_size> kinds{};
    std::size_t busy = 0;  // in growth mode, the block's first healthy register is busy
    std::size_t group = 0;
    std::int64_t left_in_group = 0;
    Shop shop;
    for (std::size_t i = 0; i < params.registers; ++i) {
        if (i % block_size == 0) {
            kinds = block_kinds(params.seed, i / block_size);
            busy = i + static_cast<std::size_t>(
                           std::find(kinds.begin(), kinds.end(), Kind::healthy) - kinds.begin());
        }
        if (left_in_group == 0) {
            if (i > 0) ++group;
            left_in_group = stream(params.seed, 2, group).between(1, 8);
            shop = make_shop(params.seed, group);
        }
        --left_in_group;
        std::string serial = digits((serial_base + i * 13ULL) % 100'000'000'000'000ULL, 14);
        std::string json = make_register(params, i, kinds[i % block_size],
                                         params.growth_since && i == busy, shop, serial);
        fleet.push_back({std::move(serial), std::move(json)});
    }
    return fleet;
}

}  // namespace emu
