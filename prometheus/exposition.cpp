#include "prometheus/exposition.hpp"

#include <cmath>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "common/format.hpp"

namespace kkt::prometheus {
namespace {

// HELP texts worded for the exported unit; a metric without one gets its description.
struct FamilyHelp {
    Metric metric;
    std::string_view help;
};
constexpr FamilyHelp family_help[] = {
    {Metric::fn_days_left,
     "Time left before the fiscal storage (FN) expires, seconds; negative when expired"},
    {Metric::fn_usage, "Fiscal storage (FN) memory used, percent"},
    {Metric::unsent_docs, "Documents not yet confirmed by the OFD"},
    {Metric::unsent_age_hours,
     "Age of the oldest document not confirmed by the OFD, seconds; 0 when none"},
    {Metric::ofd_block_days_left,
     "Time left before the FN blocks for unsent documents (30-day OFD limit), seconds"},
    {Metric::data_age_hours, "Time since the register last reported its status, seconds"},
    {Metric::shift_open_hours,
     "How long the current shift has been open (at least), seconds; 0 when closed"},
    {Metric::network_error, "OFD link error code (networkErrorCode); 0 means no error"},
    {Metric::signed_documents, "Documents signed by the current FN"},
    {Metric::shift_number, "Current (or last closed) shift number"},
    {Metric::shift_receipts, "Documents in the current (or last closed) shift"},
    {Metric::fn_full_days_left,
     "Time until the fiscal storage (FN) memory is full at the pace of its own recent history, "
     "seconds; absent until 3 days of history show it filling"},
    {Metric::fn_replace_days_left,
     "Time left to replace the fiscal storage (FN): the sooner of its expiry and its memory "
     "being full, seconds"},
};

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The family name by Prometheus conventions: times in seconds ("fn_days_left" ->
// "atol_kkt_fn_time_left_seconds", "data_age_hours" -> "atol_kkt_data_age_seconds"), codes
// named as codes.
std::string family_name(const MetricInfo& info) {
    std::string name(info.name);
    const auto replace_suffix = [&name](std::string_view from, std::string_view to) {
        if (!ends_with(name, from)) return false;
        name.replace(name.size() - from.size(), from.size(), to);
        return true;
    };
    switch (info.unit) {
        case Unit::days:
            if (!replace_suffix("_days_left", "_time_left_seconds") &&
                !replace_suffix("_days", "_seconds"))
                name += "_seconds";
            break;
        case Unit::hours:
            if (!replace_suffix("_hours", "_seconds")) name += "_seconds";
            break;
        case Unit::code:
            if (!ends_with(name, "_code")) name += "_code";
            break;
        case Unit::percent:
        case Unit::count:
            break;
    }
    return "atol_kkt_" + name;
}

double family_scale(Unit unit) {
    switch (unit) {
        case Unit::days:
            return 86400;
        case Unit::hours:
            return 3600;
        default:
            return 1;
    }
}

Family family_of(const MetricInfo& info) {
    std::string help(info.description);
    for (const FamilyHelp& h : family_help)
        if (h.metric == info.id) help = h.help;
    if (help == info.description && family_scale(info.unit) != 1) help += " (exported in seconds)";
    return Family{info.id, family_name(info), family_scale(info.unit),
                  help + " (" + std::string(info.name) + ")"};
}

void family_header(std::string& out, std::string_view name, std::string_view help) {
    append_family_header(out, name, "gauge", help);
}

void sample(std::string& out, std::string_view name, std::string_view labels, double value) {
    out += name;
    out += labels;
    out += ' ';
    out += format_number(value);
    out += '\n';
}

void label(std::string& out, std::string_view name, const std::optional<std::string>& value) {
    if (out.size() > 1) out += ',';
    out += name;
    out += "=\"";
    out += escape_label_value(value.value_or(""));
    out += '"';
}

// {[account="…",]serial="…",group="…",inn="…",rnm="…",address="…"}; an unknown field is an empty
// value, which Prometheus treats as the label being absent.
std::string labels_of(const Register& r, const std::string& account) {
    std::string out = "{";
    if (!account.empty()) label(out, "account", account);
    label(out, "serial", r.serial_number);
    label(out, "group", r.group_code);
    label(out, "inn", r.fiscal_storage_inn);
    label(out, "rnm", r.registration_number);
    label(out, "address", r.fiscal_storage_payment_address);
    out += '}';
    return out;
}

// {[account="…",]serial="…"}: a register known only by the serial asked for.
std::string serial_labels(const std::string& serial, const std::string& account) {
    std::string out = "{";
    if (!account.empty()) label(out, "account", account);
    label(out, "serial", serial);
    out += '}';
    return out;
}

// The text format's escapes: backslash and newline always, the double quote inside a label
// value (`quote`) only.
std::string escaped(std::string_view text, bool quote) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && quote)
            out += "\\\"";
        else
            out += c;
    }
    return out;
}

// Comment lines are single lines: a line feed in a message must not start a sample.
std::string comment(std::string_view text) {
    std::string out = "# ";
    for (char c : text) out += (c == '\n' || c == '\r') ? ' ' : c;
    out += '\n';
    return out;
}

// Seconds and percentages to the millisecond, counts and codes whole: no float noise.
double exported(const Family& f, double value) {
    if (metric_info(f.metric).integer()) return std::round(value);
    return round3(value * f.scale);
}

}  // namespace

const std::vector<Family>& metric_families() {
    static const std::vector<Family> families = [] {
        std::vector<Family> out;
        for (const MetricInfo& info : all_metrics()) out.push_back(family_of(info));
        return out;
    }();
    return families;
}

std::string escape_label_value(std::string_view text) {
    return escaped(text, /*quote=*/true);
}

std::string escape_help(std::string_view text) {
    return escaped(text, /*quote=*/false);
}

std::string render_scrape_header(bool up, const ScrapeInfo& info) {
    std::string out;
    const std::string labels = scrape_labels(info);
    if (info.test_mode) out += comment("test mode: ATOL's test API; use --prod for production");
    if (!info.tls_verified) out += comment("TLS verification is off (--insecure)");
    family_header(out, "atol_kkt_up",
                  "1 when the registers were read (from the ATOL API or its fresh cache), 0 when "
                  "the scrape failed");
    sample(out, "atol_kkt_up", labels, up ? 1 : 0);
    family_header(out, "atol_kkt_scrape_duration_seconds", "How long this atol-kkt run took");
    sample(out, "atol_kkt_scrape_duration_seconds", labels, round3(info.duration_seconds));
    family_header(out, "atol_kkt_test_mode",
                  "1 when reading ATOL's test API (the default, --test), 0 for production");
    sample(out, "atol_kkt_test_mode", labels, info.test_mode ? 1 : 0);
    return out;
}

void write_registers(const std::vector<const RegisterStatus*>& registers,
                     const std::vector<std::string>& missing, const ScrapeInfo& info,
                     TextSink& sink) {
    std::string out;
    // `out` goes to the sink whenever it has grown past this: the exposition of an account is
    // several times the size of its register list, and is never held whole.
    constexpr std::size_t piece_size = std::size_t{64} << 10;
    const auto pass_on_when_full = [&out, &sink] {
        if (out.size() < piece_size) return;
        sink.write(out);
        out.clear();
    };
    // Labels once per register; a repeated label set would be a duplicate series.
    std::vector<std::pair<const RegisterStatus*, std::string>> rows;
    rows.reserve(registers.size());  // never reallocated: `seen` views the labels in place
    std::unordered_set<std::string_view> seen;
    for (const RegisterStatus* s : registers) {
        rows.emplace_back(s, labels_of(s->reg, info.account));
        if (!seen.insert(rows.back().second).second) {
            out += comment("left out a register with the same labels as another: " +
                           rows.back().second);
            rows.pop_back();
            pass_on_when_full();
        }
    }
    seen = {};

    family_header(out, "atol_kkt_registers",
                  "Registers selected (by --serial, --group, --inn, "
                  "--exclude-serial; all of the account by default)");
    sample(out, "atol_kkt_registers", scrape_labels(info), static_cast<double>(rows.size()));
    if (!missing.empty()) {
        family_header(out, "atol_kkt_register_not_found",
                      "1 for each --serial the account does not have");
        for (const std::string& serial : missing)
            sample(out, "atol_kkt_register_not_found", serial_labels(serial, info.account), 1);
    }
    family_header(out, "atol_kkt_state",
                  "Register state by the thresholds: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN");
    for (const auto& [s, labels] : rows) {
        sample(out, "atol_kkt_state", labels, static_cast<double>(s->evaluation.state));
        pass_on_when_full();
    }
    for (const Family& f : metric_families()) {
        family_header(out, f.name, f.help);
        for (const auto& [s, labels] : rows) {
            if (auto value = s->metrics.get(f.metric)) {
                sample(out, f.name, labels, exported(f, *value));
                pass_on_when_full();
            }
        }
    }
    sink.write(out);
}

std::string render_registers(const std::vector<const RegisterStatus*>& registers,
                             const std::vector<std::string>& missing, const ScrapeInfo& info) {
    std::string out;
    StringSink sink(out);
    write_registers(registers, missing, info, sink);
    return out;
}

void write_exposition(const std::vector<const RegisterStatus*>& registers,
                      const std::vector<std::string>& missing, const ScrapeInfo& info,
                      TextSink& sink) {
    sink.write(render_scrape_header(true, info));
    write_registers(registers, missing, info, sink);
}

std::string render_exposition(const std::vector<const RegisterStatus*>& registers,
                              const std::vector<std::string>& missing, const ScrapeInfo& info) {
    std::string out;
    StringSink sink(out);
    write_exposition(registers, missing, info, sink);
    return out;
}

std::string render_failure(std::string_view error, const ScrapeInfo& info) {
    return render_comment("atol-kkt: " + std::string(error)) + render_scrape_header(false, info);
}

std::string render_comment(std::string_view text) {
    return comment(text);
}

void append_family_header(std::string& out, std::string_view name, std::string_view type,
                          std::string_view help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += escape_help(help);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

void append_sample(std::string& out, std::string_view name, std::string_view labels, double value) {
    sample(out, name, labels, value);
}

std::string scrape_labels(const ScrapeInfo& info) {
    if (info.account.empty()) return "";
    return "{account=\"" + escape_label_value(info.account) + "\"}";
}

}  // namespace kkt::prometheus
