#include "web/status_page.hpp"

#include <array>
#include <cmath>

#include "common/errors.hpp"
#include "common/format.hpp"
#include "common/reasons.hpp"
#include "common/sys_text.hpp"
#include "common/table.hpp"
#include "web/html.hpp"

namespace kkt::web {
namespace {

constexpr std::array<State, 4> states_worst_first = {State::critical, State::warning,
                                                     State::unknown, State::ok};

constexpr std::string_view style = R"(
body { font: 14px/1.4 system-ui, "DejaVu Sans", sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
p { margin: .2em 0; }
.mode { display: inline-block; padding: .1em .5em; background: #ffe9a8; border-radius: 3px; }
.down { color: #a00; font-weight: bold; }
ul#counts { list-style: none; padding: 0; margin: .8em 0; display: flex; gap: .6em; }
ul#counts li { padding: .3em .8em; border-radius: 3px; background: #eee; }
ul#counts .n { font-weight: bold; font-size: 1.2em; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .25em .5em; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
th { background: #f4f4f4; position: sticky; top: 0; }
td.num { text-align: right; white-space: nowrap; }
td.reason ul { margin: 0; padding-left: 1.1em; }
.critical td.state, ul#counts li.critical { background: #c62828; color: #fff; }
.warning td.state, ul#counts li.warning { background: #f9a825; color: #000; }
.unknown td.state, ul#counts li.unknown { background: #8e24aa; color: #fff; }
.ok td.state, ul#counts li.ok { background: #2e7d32; color: #fff; }
footer { margin-top: 1em; color: #666; font-size: .9em; }
)";

std::string lower(std::string_view word) {
    std::string out(word);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

// "35 s", "4.2 min", "3.1 h", "2.0 days"
std::string age_text(double seconds) {
    if (seconds < 0) seconds = 0;
    if (seconds < 120) return format_number(std::round(seconds)) + " s";
    if (seconds < 7200) return format_fixed(seconds / 60, 1) + " min";
    if (seconds < 172800) return format_fixed(seconds / 3600, 1) + " h";
    return format_fixed(seconds / 86400, 1) + " days";
}

void cell(std::string& out, std::string_view text, bool numeric, std::string_view css = "") {
    out += "<td";
    if (numeric || !css.empty()) {
        out += " class=\"";
        out += numeric ? "num" : css;
        out += '"';
    }
    out += '>';
    out += html_escape(text);
    out += "</td>";
}

void reasons(std::string& out, const Evaluation& evaluation) {
    out += "<td class=\"reason\">";
    if (!evaluation.problems.empty()) {
        out += "<ul>";
        for (const Problem& p : evaluation.problems)
            out += "<li>" + html_escape(p.reason) + "</li>";
        out += "</ul>";
    }
    out += "</td>";
}

void row(std::string& out, const RegisterStatus& s) {
    const std::string state = lower(state_name(s.evaluation.state));
    out += "<tr class=\"" + state + "\" data-state=\"" +
           std::string(state_name(s.evaluation.state)) + "\">";
    for (const TableColumn& column : table_columns()) {
        if (column.id == TableColumn::problem) {
            reasons(out, s.evaluation);
            continue;
        }
        cell(out, column.cell(s), column.numeric, column.id == TableColumn::state ? "state" : "");
        if (column.id == TableColumn::address) cell(out, s.reg.group_code.value_or("?"), false);
    }
    out += "</tr>\n";
}

void header_row(std::string& out) {
    out += "<tr>";
    for (const TableColumn& column : table_columns()) {
        out += "<th>" + html_escape(column.header) + "</th>";
        if (column.id == TableColumn::address) out += "<th>GROUP</th>";
    }
    out += "</tr>";
}

std::string counts_title(const std::array<std::size_t, 4>& by_state) {
    std::string title;
    for (State s : states_worst_first) {
        if (s == State::ok) continue;
        const auto n = by_state[static_cast<std::size_t>(s)];
        if (n)
            title += (title.empty() ? "" : ", ") + std::to_string(n) + " " + lower(state_name(s));
    }
    return title.empty() ? "all OK" : title;
}

void freshness(std::string& out, const StatusPage& page) {
    const FleetSnapshot& snapshot = page.snapshot;
    if (snapshot.fleet && snapshot.fleet->fetched_at) {
        const TimePoint fetched = *snapshot.fleet->fetched_at;
        out += "<p id=\"freshness\">Data fetched from ATOL at " +
               html_escape(format_minute_utc(fetched)) + " (<span id=\"age\">" +
               html_escape(age_text(std::chrono::duration<double>(page.now - fetched).count())) +
               "</span> ago).</p>\n";
    }
    if (snapshot.error) {
        out += "<p id=\"error\" class=\"down\">The last read of ATOL failed: " +
               html_escape(*snapshot.error) +
               (snapshot.fleet ? " The registers below are from the last good read." : "") +
               "</p>\n";
    } else if (!snapshot.fleet) {
        out +=
            "<p id=\"error\" class=\"down\">No data yet: the first read of ATOL is under "
            "way.</p>\n";
    }
}

}  // namespace

StatusRows render_status_rows(const std::vector<const RegisterStatus*>& registers) {
    StatusRows rows;
    auto html = std::make_shared<OutputSpool>();
    std::string row_html;
    for (const RegisterStatus* s : worst_first(registers)) {
        ++rows.by_state[static_cast<std::size_t>(s->evaluation.state)];
        row_html.clear();
        row(row_html, *s);
        html->write(row_html);
    }
    rows.total = registers.size();
    rows.html = std::move(html);
    return rows;
}

StatusFrame render_status_frame(const StatusPage& page, const StatusRows& rows) {
    const std::string account = page.account.empty() ? "" : " · " + html_escape(page.account);
    StatusFrame frame;
    std::string& out = frame.head;
    out +=
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta http-equiv=\"refresh\" content=\"" +
        std::to_string(page.refresh_seconds) + "\">\n<title>ATOL KKT" + account + ": " +
        html_escape(page.snapshot.fleet ? counts_title(rows.by_state) : "no data") +
        "</title>\n<style>" + std::string(style) + "</style>\n</head>\n<body>\n";
    out += "<h1>ATOL KKT registers" + account + "</h1>\n";
    if (page.test_mode)
        out +=
            "<p class=\"mode\" id=\"test-mode\">Test mode: ATOL's test API, not production</p>\n";
    if (!page.tls_verified)
        out += "<p class=\"mode\" id=\"insecure\">ATOL's TLS certificate is not verified</p>\n";
    freshness(out, page);
    out += "<ul id=\"counts\">";
    for (State s : states_worst_first) {
        const std::string name = lower(state_name(s));
        out += "<li class=\"" + name + "\"><span class=\"n\" id=\"count-" + name + "\">" +
               std::to_string(rows.by_state[static_cast<std::size_t>(s)]) + "</span> " + name +
               "</li>";
    }
    out += "<li><span class=\"n\" id=\"count-total\">" + std::to_string(rows.total) +
           "</span> registers</li></ul>\n";
    out += "<table id=\"registers\">\n<thead>";
    header_row(out);
    out += "</thead>\n<tbody>\n";
    frame.tail = "</tbody>\n</table>\n<footer>" + html_escape(page.version) + " · reloads every " +
                 std::to_string(page.refresh_seconds) + " s · <a href=\"" +
                 html_escape(page.metrics_path) + "\">metrics</a></footer>\n</body>\n</html>\n";
    return frame;
}

std::string render_status_page(const StatusPage& page) {
    const StatusRows rows = render_status_rows(page.registers);
    StatusFrame frame = render_status_frame(page, rows);
    std::string out = std::move(frame.head);
    std::string chunk;
    for (std::size_t offset = 0;; offset += chunk.size()) {
        if (!rows.html->read_at(offset, std::size_t{1} << 20, chunk))
            throw Error("cannot read the status page's temporary file: " + errno_text(errno));
        if (chunk.empty()) break;
        out += chunk;
    }
    return out + frame.tail;
}

}  // namespace kkt::web
