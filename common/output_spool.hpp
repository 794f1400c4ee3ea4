#pragma once
// Output written piece by piece instead of built whole in memory (100,000 registers make a
// document of a hundred MiB or more), for outputs that must reach their reader whole or not at
// all: a Zabbix item, a textfile, a JSON document. The pieces go to a TextSink; an OutputSpool
// keeps the first MiB in memory and the rest in an unnamed temporary file, and copies it all
// out once the output is complete.
#include <cstddef>
#include <string>
#include <string_view>

#include "common/posix_io.hpp"

namespace kkt {

// Where output pieces go, in order.
class TextSink {
  public:
    virtual ~TextSink() = default;
    virtual void write(std::string_view text) = 0;
};

// Pieces appended to a string (tests, and outputs small enough to hold).
class StringSink final : public TextSink {
  public:
    explicit StringSink(std::string& out) : out_(out) {}
    void write(std::string_view text) override { out_ += text; }

  private:
    std::string& out_;
};

// The pieces in memory up to `memory_limit` bytes, then in a temporary file of $TMPDIR (else
// /tmp), mode 0600, unnamed (O_TMPFILE; else unlinked at once), gone when the spool is.
class OutputSpool final : public TextSink {
  public:
    static constexpr std::size_t default_memory_limit = std::size_t{1} << 20;
    explicit OutputSpool(std::size_t memory_limit = default_memory_limit);

    // Throws Error when the temporary file cannot be made or written.
    void write(std::string_view text) override;
    // Bytes written so far.
    std::size_t size() const { return size_; }
    // Whether part of it is in the temporary file.
    bool spilled() const { return file_.valid(); }
    // Writes the whole output to `fd`; false, with errno set, when a write (or a read of the
    // temporary file) fails.
    bool copy_to(int fd) const;
    // Up to `max` bytes of the output from `offset` into `chunk` (replacing what it held; empty
    // at the end): for a reader that sends a finished output in pieces, several at once (the
    // exporter's HTTP answers). False, with errno set, when the temporary file cannot be read.
    bool read_at(std::size_t offset, std::size_t max, std::string& chunk) const;

  private:
    void spill();

    std::size_t memory_limit_;
    std::string buffer_;  // the pieces not yet in the file
    OwnedFd file_;
    std::size_t size_ = 0;
};

}  // namespace kkt
