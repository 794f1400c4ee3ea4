#include "prometheus/exporter.hpp"

#include <malloc.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/errors.hpp"
#include "common/fleet_source.hpp"
#include "common/output_spool.hpp"
#include "common/sys_text.hpp"
#include "common/version.hpp"
#include "prometheus/exporter_metrics.hpp"
#include "prometheus/exposition.hpp"
#include "web/gzip.hpp"
#include "web/status_page.hpp"

namespace kkt::prometheus {

namespace http = web::http;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds scrape_margin{500};
constexpr int registers_gzip_level = 6;  // once per read: worth the smaller answers
constexpr int scrape_gzip_level = 1;     // per scrape, a few hundred bytes
constexpr std::size_t compress_chunk = 256 * 1024;
constexpr int min_page_refresh_seconds = 10;
constexpr std::string_view exposition_type = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::string_view probe_path = "/probe";
constexpr std::string_view page_path = "/";
constexpr std::string_view healthy_path = "/-/healthy";
constexpr std::string_view ready_path = "/-/ready";

std::shared_ptr<const std::string> shared_text(std::string text) {
    return std::make_shared<const std::string>(std::move(text));
}

web::Response text_response(http::status status, std::string_view text) {
    return web::Response::text(status, text);
}

// A read's transient memory (the list's text and pages: several times the fleet it leaves) is
// freed in the reading thread's malloc arena, which the server's threads, rendering the
// exposition in theirs, would not reuse: returned to the system, it stays out of the
// exporter's resident size between reads (docs/performance.md, "The exporter").
void give_back_free_memory() {
    ::malloc_trim(0);
}

bool same_account(const Config& a, const Config& b) {
    return a.base_url == b.base_url && a.login == b.login;
}

}  // namespace

// One target, its source of data and the registers' part of its exposition for the latest
// fleet (rendered by the first scrape after each read). That part is the bulk of an answer
// (about 2 KiB per register) and is kept twice, plain and compressed: in OutputSpools, so that
// beyond their first MiB the copies lie in temporary files instead of the exporter's memory
// (docs/performance.md, "The exporter").
//
// The status page's rows are rendered once per read in the same way. Before the next read, both
// are rendered (if no scrape or view has done it) and the fleet's registers let go: the read's
// fleet and the last one are never in memory together. Scrapes and views meanwhile, or after a
// failed read, are answered from what was rendered.
struct Exporter::Entry {
    Target target;
    std::unique_ptr<FleetSource> source;  // after `target`: destroyed first, it reads it
    std::mutex mutex;
    std::uint64_t rendered_generation = 0;
    std::shared_ptr<const OutputSpool> registers_text;
    std::shared_ptr<const OutputSpool> registers_gzip;
    std::uint64_t page_generation = 0;
    std::optional<web::StatusRows> page_rows;
    std::uint64_t released_generation = 0;  // whose fleet stands in without its registers

    ScrapeInfo info(double duration) const {
        return ScrapeInfo{.duration_seconds = duration,
                          .test_mode = target.config.test_mode(),
                          .tls_verified = !target.config.insecure,
                          .account = target.account};
    }

    // The registers' families of `snapshot`'s fleet, plain and gzip-compressed. Throws Error
    // when a temporary file cannot be written or read.
    std::pair<web::BodyPiece, web::BodyPiece> registers(const FleetSnapshot& snapshot) {
        std::lock_guard lock(mutex);
        return registers_locked(snapshot);
    }

    // The status page's rows of `snapshot`'s fleet. Throws Error as registers().
    web::StatusRows page(const FleetSnapshot& snapshot) {
        std::lock_guard lock(mutex);
        return page_locked(snapshot);
    }

    // FleetSource::WhileReading: what is served from `snapshot`'s registers rendered, the
    // fleet without them. Keeps the fleet when that cannot be rendered (a temporary file that
    // cannot be written), so that nothing served is lost.
    std::shared_ptr<const Fleet> release_registers(const FleetSnapshot& snapshot) {
        std::lock_guard lock(mutex);
        if (released_generation == snapshot.generation) return snapshot.fleet;
        try {
            registers_locked(snapshot);
            page_locked(snapshot);
        } catch (const Error&) {
            return snapshot.fleet;
        }
        released_generation = snapshot.generation;
        return std::make_shared<const Fleet>(snapshot.fleet->without_registers());
    }

    // What a reloaded entry of the same account serves until its first read: when that entry's
    // fleet stands in without its registers, what was rendered from them.
    void take_rendered(Entry& previous, const FleetSnapshot& snapshot) {
        std::scoped_lock lock(mutex, previous.mutex);
        if (previous.released_generation != snapshot.generation) return;
        rendered_generation = previous.rendered_generation;
        registers_text = previous.registers_text;
        registers_gzip = previous.registers_gzip;
        page_generation = previous.page_generation;
        page_rows = previous.page_rows;
        released_generation = previous.released_generation;
    }

  private:
    std::pair<web::BodyPiece, web::BodyPiece> registers_locked(const FleetSnapshot& snapshot) {
        if (!snapshot.fleet) return {shared_text(""), shared_text(web::gzip("", 1))};
        if (!registers_text || rendered_generation != snapshot.generation) {
            registers_text = nullptr;  // the old copies go before the new ones are made
            registers_gzip = nullptr;
            std::vector<std::string> missing;
            const auto selected = select(*snapshot.fleet, target.config.selection, &missing);
            auto text = std::make_shared<OutputSpool>();
            write_registers(selected, missing, info(0), *text);
            registers_gzip = compressed(*text);
            registers_text = std::move(text);
            rendered_generation = snapshot.generation;
            give_back_free_memory();  // the labels of every register, gone now
        }
        return {registers_text, registers_gzip};
    }

    web::StatusRows page_locked(const FleetSnapshot& snapshot) {
        if (!snapshot.fleet) return web::render_status_rows({});
        if (!page_rows || page_generation != snapshot.generation) {
            page_rows.reset();
            page_rows = web::render_status_rows(select(*snapshot.fleet, target.config.selection));
            page_generation = snapshot.generation;
            give_back_free_memory();
        }
        return *page_rows;
    }

  public:
    static std::shared_ptr<const OutputSpool> compressed(const OutputSpool& text) {
        auto zipped = std::make_shared<OutputSpool>();
        web::GzipWriter writer(*zipped, registers_gzip_level);
        std::string chunk;
        for (std::size_t offset = 0;; offset += chunk.size()) {
            if (!text.read_at(offset, compress_chunk, chunk))
                throw Error("cannot read the exposition's temporary file: " + errno_text(errno));
            if (chunk.empty()) break;
            writer.write(chunk);
        }
        writer.finish();
        return zipped;
    }
};

std::chrono::milliseconds scrape_wait(std::string_view timeout_header,
                                      std::chrono::milliseconds otherwise) {
    double seconds = 0;
    const auto [end, error] = std::from_chars(
        timeout_header.data(), timeout_header.data() + timeout_header.size(), seconds);
    if (timeout_header.empty() || error != std::errc() ||
        end != timeout_header.data() + timeout_header.size() || !(seconds > 0) ||
        !std::isfinite(seconds))
        return otherwise;
    const auto given = std::chrono::milliseconds(std::llround(std::min(seconds, 3600.0) * 1000));
    return std::max(given - scrape_margin, given / 2);
}

Exporter::Exporter(ExporterSettings settings, const Clock& clock, const Log& log)
    : settings_(std::move(settings)), clock_(clock), log_(log) {
    entries_[""] = make_entry(settings_.default_target(), nullptr);
}

Exporter::~Exporter() = default;

std::shared_ptr<Exporter::Entry> Exporter::make_entry(Target target,
                                                      const std::shared_ptr<Entry>& previous) {
    auto entry = std::make_shared<Entry>();
    entry->target = std::move(target);
    const Target& t = entry->target;
    SnapshotPtr initial;
    if (previous && same_account(previous->target.config, t.config)) {
        initial = previous->source->snapshot();
        entry->take_rendered(*previous, *initial);
    }
    auto loader = [&t, &clock = clock_, &log = log_](const Deadline& deadline) {
        const RunContext run{t.config, clock, deadline, log};
        // The last fleet's registers, let go just before (release_registers), were freed in
        // this thread's arena: returned first, the read does not grow on top of them.
        give_back_free_memory();
        Fleet fleet = load_fleet(run, t.thresholds);
        give_back_free_memory();
        return fleet;
    };
    // The entry owns the source, whose reading thread calls this: it never outlives the entry.
    auto release = [raw = entry.get()](const FleetSnapshot& snapshot) {
        return raw->release_registers(snapshot);
    };
    entry->source = std::make_unique<FleetSource>(
        loader,
        FleetSource::Settings{
            .ttl = t.config.cache_ttl, .timeout = t.config.timeout, .while_reading = release},
        log_, initial);
    return entry;
}

std::shared_ptr<Exporter::Entry> Exporter::entry_for(const std::string& profile) {
    {
        std::lock_guard lock(mutex_);
        if (auto it = entries_.find(profile); it != entries_.end()) return it->second;
    }
    std::optional<Target> target = settings_.profile_target(profile);
    if (!target) return nullptr;
    auto entry = make_entry(std::move(*target), nullptr);
    std::lock_guard lock(mutex_);
    return entries_.try_emplace(profile, std::move(entry)).first->second;
}

void Exporter::warm_up() {
    std::shared_ptr<Entry> entry;
    {
        std::lock_guard lock(mutex_);
        entry = entries_.at("");
    }
    entry->source->refresh(nullptr);
}

void Exporter::reload() {
    std::map<std::string, std::shared_ptr<Entry>> old;
    {
        std::lock_guard lock(mutex_);
        old = entries_;
    }
    std::map<std::string, std::shared_ptr<Entry>> renewed;
    renewed[""] = make_entry(settings_.default_target(), old.at(""));
    for (const auto& [profile, entry] : old) {
        if (profile.empty()) continue;
        try {
            if (auto target = settings_.profile_target(profile))
                renewed[profile] = make_entry(std::move(*target), entry);
        } catch (const ConfigError& e) {
            log_(0, "profile " + profile + " left out after the reload: " + e.what());
        }
    }
    {
        std::lock_guard lock(mutex_);
        entries_.swap(renewed);
    }
    warm_up();
}

namespace {

// A 500 that says why, logged as `doing`: answering without the registers would look like an
// account without any.
web::Response failure_response(const Log& log, std::string_view doing, const Error& e) {
    log(0, std::string(doing) + ": " + e.what());
    return text_response(http::status::internal_server_error,
                         std::string("cannot answer: ") + e.what());
}

web::Response metrics_response(Exporter::Entry& entry, const FleetSnapshot& snapshot, TimePoint now,
                               SteadyClock::time_point started, bool gzip, const Log& log) {
    std::pair<web::BodyPiece, web::BodyPiece> rendered;
    try {
        rendered = entry.registers(snapshot);
    } catch (const Error& e) {
        return failure_response(log, "cannot answer a scrape", e);
    }
    const auto& [registers, registers_gzip] = rendered;
    const ScrapeInfo info =
        entry.info(std::chrono::duration<double>(SteadyClock::now() - started).count());
    std::string head;
    if (snapshot.error)
        head += render_comment("atol-kkt: reading the register list failed: " + *snapshot.error);
    else if (!snapshot.fleet)
        head += render_comment("atol-kkt: the first read of the register list is under way");
    head += render_scrape_header(snapshot.up(), info);
    head += render_exporter_families(snapshot, now, info);
    web::Response response;
    response.content_type = exposition_type;
    response.headers.emplace_back("Vary", "Accept-Encoding");
    if (gzip) {
        response.headers.emplace_back("Content-Encoding", "gzip");
        response.body = {shared_text(web::gzip(head, scrape_gzip_level)), registers_gzip};
    } else {
        response.body = {shared_text(std::move(head)), registers};
    }
    return response;
}

web::Response page_response(Exporter::Entry& entry, const FleetSnapshot& snapshot, TimePoint now,
                            const std::string& metrics_path, const Log& log) {
    web::StatusRows rows;
    try {
        rows = entry.page(snapshot);
    } catch (const Error& e) {
        return failure_response(log, "cannot show the status page", e);
    }
    const web::StatusPage page{
        .snapshot = snapshot,
        .registers = {},
        .now = now,
        .test_mode = entry.target.config.test_mode(),
        .tls_verified = !entry.target.config.insecure,
        .account = entry.target.account,
        .refresh_seconds = std::max<int>(min_page_refresh_seconds,
                                         static_cast<int>(entry.target.config.cache_ttl.count())),
        .version = "atol-kkt " + std::string(version),
        .metrics_path = metrics_path};
    web::Response response;
    response.content_type = "text/html; charset=utf-8";
    response.headers = {{"Content-Security-Policy", web::status_page_policy},
                        {"X-Frame-Options", "DENY"},
                        {"Referrer-Policy", "no-referrer"},
                        {"Cache-Control", "no-store"}};
    web::StatusFrame frame = web::render_status_frame(page, rows);
    response.body = {shared_text(std::move(frame.head)), rows.html,
                     shared_text(std::move(frame.tail))};
    return response;
}

}  // namespace

void Exporter::serve(const std::shared_ptr<Entry>& entry, const web::Request& request,
                     const web::Reply& reply, bool page) {
    const auto started = SteadyClock::now();
    const bool gzip = !page && web::accepts_gzip(request[http::field::accept_encoding]);
    const auto wait =
        scrape_wait(request["X-Prometheus-Scrape-Timeout-Seconds"], entry->target.config.timeout);
    auto respond = [started, gzip, page, this](Entry& e, const SnapshotPtr& snapshot) {
        const TimePoint now = clock_.now();
        return page ? page_response(e, *snapshot, now, settings_.telemetry_path, log_)
                    : metrics_response(e, *snapshot, now, started, gzip, log_);
    };
    // The reading thread holds the entry weakly and hands the rendering, and the reply itself,
    // to the server's threads: the last reference to an entry a reload replaced must never go
    // on the reading thread, which destroying the entry joins; nor that to a reply, which holds
    // the connection.
    std::weak_ptr<Entry> weak = entry;
    const bool reading = entry->source->refresh(
        [reply = web::Reply(reply), weak, respond](const SnapshotPtr& snapshot) mutable {
            std::move(reply).send_from([weak, respond, snapshot] {
                const auto held = weak.lock();
                if (!held)
                    return text_response(http::status::service_unavailable, "reloaded: ask again");
                return respond(*held, snapshot);
            });
        });
    if (!reading) return reply.send(respond(*entry, entry->source->snapshot()));
    reply.send_after(wait, [entry, respond] { return respond(*entry, entry->source->snapshot()); });
}

void Exporter::handle(const web::Request& request, const web::Reply& reply) {
    const std::string path = web::target_path(request.target());
    if (path == healthy_path) return reply.send(text_response(http::status::ok, "Healthy."));
    if (path == ready_path) {
        const SnapshotPtr snapshot = entry_for("")->source->snapshot();
        std::uint64_t reads = 0;
        for (auto n : snapshot->reads) reads += n;
        if (reads == 0)
            return reply.send(text_response(http::status::service_unavailable,
                                            "Not ready: the first read of ATOL is under way."));
        return reply.send(text_response(http::status::ok, "Ready."));
    }
    const bool page = path == page_path;
    if (path != settings_.telemetry_path && path != probe_path && !page)
        return reply.send(text_response(http::status::not_found, "not found"));

    std::string profile;
    const auto given = web::query_parameter(request.target(), "profile");
    if (path == probe_path && !given)
        return reply.send(text_response(http::status::bad_request,
                                        "/probe needs ?profile=NAME (a file NAME.conf of the "
                                        "profile directory)"));
    if (given && path != settings_.telemetry_path) {
        if (!valid_profile_name(*given))
            return reply.send(text_response(
                http::status::bad_request,
                "invalid profile name: use letters, digits, '_', '.' and '-', not starting "
                "with '.'"));
        profile = *given;
    }
    std::shared_ptr<Entry> entry;
    try {
        entry = entry_for(profile);
    } catch (const ConfigError& e) {
        log_(0, "profile " + profile + ": " + e.what());
        return reply.send(text_response(http::status::internal_server_error,
                                        "profile " + profile + " cannot be read: " + e.what()));
    }
    if (!entry) return reply.send(text_response(http::status::not_found, "no profile " + profile));
    serve(entry, request, reply, page);
}

}  // namespace kkt::prometheus
