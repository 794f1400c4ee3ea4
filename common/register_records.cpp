// Per-register records with an index and recent records (the layout and the consistency
// argument: common/register_records.hpp).
#include "common/register_records.hpp"

#include <boost/json.hpp>
#include <exception>

#include "common/json_text.hpp"
#include "common/record_index.hpp"

namespace kkt {

namespace json = boost::json;

namespace {

// None of our records comes near this (a ФН history is under 1 KiB): a longer entry is damage.
constexpr std::uint64_t max_record_bytes = 64 * 1024;

// The recent records of the STEM.json of `generation`.
struct Recent {
    std::string generation;
    json::object registers;
};

// STEM.recent, read whole (it is small); nullopt when missing, larger than its bound, or not
// ours. `bytes_read` grows by what was read.
std::optional<Recent> read_recent(const CacheDir& dir, const std::string& name,
                                  std::size_t& bytes_read) {
    const auto file = dir.open(name);
    if (!file || file->size > RegisterRecords::max_recent_bytes) return std::nullopt;
    std::string text;
    if (!file->read_at(0, file->size, text)) return std::nullopt;
    bytes_read += text.size();
    boost::system::error_code error;
    json::value value = json::parse(text, error);
    if (error) return std::nullopt;
    try {
        json::object& object = value.as_object();
        return Recent{json::value_to<std::string>(object.at("generation")),
                      std::move(object.at("registers").as_object())};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// How STEM.json of `generation` begins.
std::string prefix_of(int version, const std::string& generation) {
    return "{\"version\":" + std::to_string(version) +
           ",\"generation\":" + json::serialize(json::string(generation)) + ",\"registers\":{";
}

// STEM.json and its index, tied: the same generation (the file begins with the prefix it
// gives) and size.
struct Indexed {
    RecordIndex index;
    CacheFile file;
};

// STEM.json and its index when they are tied; nullopt otherwise (missing, damaged, of another
// write or format). `bytes_read` grows by what was read of STEM.json.
std::optional<Indexed> open_indexed(const CacheDir& dir, const std::string& file_name,
                                    const std::string& index_name, int version,
                                    std::size_t& bytes_read) {
    auto index = RecordIndex::open(dir, index_name);
    auto file = dir.open(file_name);
    if (!index || !file || file->size != index->bytes()) return std::nullopt;
    const std::string prefix = prefix_of(version, index->generation());
    std::string head;
    if (!file->read_at(0, std::min(prefix.size(), file->size), head) || head != prefix)
        return std::nullopt;
    bytes_read += head.size();
    return Indexed{std::move(*index), std::move(*file)};
}

using EachRecord = std::function<void(std::string_view, const json::value&)>;

// STEM.json read record by record (the DOM of 100,000 records would be several times their
// text), when it has the shape prefix_of() writes: its version, generation and the map, in that
// order. nullopt, before any record is given, for another shape: it is then parsed whole.
// Otherwise as RegisterRecords::load_all.
std::optional<bool> load_records_streamed(std::string_view text, int version,
                                          const std::optional<Recent>& recent,
                                          const EachRecord& each) {
    json::parse_options options;
    options.max_depth -= 2;  // the records sit two levels down
    JsonPieces in(text, options);
    if (!in.take('{') || in.key() != "version") return std::nullopt;
    const json::value* read_version = in.value();
    if (!read_version || json::value_to<int>(*read_version) != version) return false;
    if (!in.take(',') || in.key() != "generation") return std::nullopt;
    const json::value* read_generation = in.value();
    if (!read_generation || !read_generation->is_string()) return std::nullopt;
    const json::object* newer = recent && read_generation->get_string() == recent->generation
                                    ? &recent->registers
                                    : nullptr;
    if (!in.take(',') || in.key() != "registers" || !in.take('{')) return std::nullopt;
    if (!in.take('}')) {
        do {
            const std::optional<std::string> serial = in.key();
            if (!serial) return false;
            const json::value* record = in.value();
            if (!record) return false;
            if (!newer || !newer->contains(*serial)) each(*serial, *record);
        } while (in.take(','));
        if (!in.take('}')) return false;
    }
    if (!in.take('}') || !in.at_end()) return false;
    if (newer)
        for (const auto& [serial, record] : *newer)
            if (!record.is_null()) each(serial, record);
    return true;
}

}  // namespace

RegisterRecords::RegisterRecords(const CacheDir& dir, const std::string& stem, int version)
    : dir_(dir),
      version_(version),
      file_(stem + ".json"),
      index_(stem + ".index"),
      recent_(stem + ".recent") {}

RegisterRecords::Writer::Writer(std::string generation, std::string prefix)
    : generation_(std::move(generation)), text_(std::move(prefix)) {}

void RegisterRecords::Writer::add(std::string_view serial, const json::value& record) {
    if (!records_.empty()) text_ += ',';
    const std::size_t offset = text_.size();
    text_ += json::serialize(json::string(serial));
    text_ += ':';
    text_ += json::serialize(record);
    records_.push_back({serial, offset, text_.size() - offset});
}

RegisterRecords::Writer RegisterRecords::writer() const {
    std::string generation = new_generation();
    std::string prefix = prefix_of(version_, generation);
    return Writer(std::move(generation), std::move(prefix));
}

void RegisterRecords::store_all(Writer writer) const {
    writer.text_ += "}}";
    dir_.write_atomic(file_, writer.text_);
    // Until the index follows, it is of the old file: readers read the whole map meanwhile.
    store_record_index(dir_, index_, writer.generation_, writer.text_.size(), writer.records_);
    dir_.remove(recent_);  // of the old file: taken in, and ignored by now anyway
}

bool RegisterRecords::load_all(
    const std::function<void(std::string_view, const json::value&)>& each) const {
    std::size_t unused = 0;
    // Before STEM.json: recent records of an older one are ignored (it holds them by now).
    const std::optional<Recent> recent = read_recent(dir_, recent_, unused);
    auto content = dir_.read(file_);
    if (!content) return false;
    try {
        if (const auto streamed = load_records_streamed(*content, version_, recent, each))
            return *streamed;
    } catch (const std::exception&) {
        return false;
    }
    // Another shape: parsed whole, into an arena (100,000 records are 100,000 small values,
    // freed at once).
    json::monotonic_resource arena;
    boost::system::error_code error;
    const json::value value = json::parse(*content, error, &arena);
    content.reset();
    if (error) return false;
    try {
        const json::object& file = value.as_object();
        if (json::value_to<int>(file.at("version")) != version_) return false;
        const json::value* generation = file.if_contains("generation");
        const json::object* newer =
            recent && generation && generation->as_string() == recent->generation
                ? &recent->registers
                : nullptr;
        for (const auto& [serial, record] : file.at("registers").as_object())
            if (!newer || !newer->contains(serial)) each(serial, record);
        if (newer)
            for (const auto& [serial, record] : *newer)
                if (!record.is_null()) each(serial, record);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

std::optional<OneRecord<json::value>> RegisterRecords::load_one(std::string_view serial) const {
    OneRecord<json::value> one;
    // In this order (common/register_records.hpp): the recent records, the index, STEM.json.
    const std::optional<Recent> recent = read_recent(dir_, recent_, one.bytes_read);
    auto indexed = open_indexed(dir_, file_, index_, version_, one.bytes_read);
    if (!indexed) return std::nullopt;
    RecordIndex& index = indexed->index;
    const CacheFile& file = indexed->file;
    const auto index_bytes = [&] { return one.bytes_read + index.bytes_read(); };

    if (recent && recent->generation == index.generation()) {
        if (const json::value* record = recent->registers.if_contains(serial)) {
            if (!record->is_null()) one.value = *record;
            one.bytes_read = index_bytes();
            return one;
        }
    }
    const RecordIndex::Lookup entry = index.find(serial);
    if (entry.outcome == RecordIndex::Lookup::unreadable) return std::nullopt;
    if (entry.outcome == RecordIndex::Lookup::found) {
        if (entry.offset > file.size || entry.length > file.size - entry.offset ||
            entry.length > max_record_bytes)
            return std::nullopt;
        std::string member;
        if (!file.read_at(entry.offset, entry.length, member)) return std::nullopt;
        one.bytes_read += member.size();
        // `"SERIAL":RECORD`: of this serial, or another of the same hash (the whole map then).
        boost::system::error_code error;
        json::value value = json::parse("{" + member + "}", error);
        if (error || !value.is_object() || value.get_object().size() != 1) return std::nullopt;
        const auto& [key, record] = *value.get_object().begin();
        if (key != serial) return std::nullopt;
        one.value = record;
    }
    one.bytes_read = index_bytes();
    return one;
}

bool RegisterRecords::store_one(std::string_view serial, const json::value* record) const {
    std::size_t unused = 0;
    std::optional<Recent> recent = read_recent(dir_, recent_, unused);
    const auto indexed = open_indexed(dir_, file_, index_, version_, unused);
    if (!indexed) return false;
    const std::string& generation = indexed->index.generation();
    if (!recent || recent->generation != generation) recent = Recent{generation, {}};
    recent->registers[serial] = record ? *record : json::value(nullptr);
    const std::string text = json::serialize(json::object{
        {"generation", recent->generation}, {"registers", std::move(recent->registers)}});
    if (text.size() > max_recent_bytes) return false;
    dir_.write_atomic(recent_, text);
    return true;
}

}  // namespace kkt
