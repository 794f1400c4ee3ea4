// OutputSpool: what is written comes out whole and in order, from memory or through its
// temporary file, which leaves no name behind; a temporary directory that cannot take it is an
// error, never a lost output.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "common/errors.hpp"
#include "common/output_spool.hpp"
#include "shared/spooled_text.hpp"
#include "shared/temp_dir.hpp"

namespace kkt {
namespace {

using testing::spooled_text;

// Sets TMPDIR for one test.
class TmpDirOverride {
  public:
    explicit TmpDirOverride(const std::string& dir) {
        if (const char* old = ::getenv("TMPDIR")) old_ = old;
        ::setenv("TMPDIR", dir.c_str(), 1);
    }
    ~TmpDirOverride() {
        if (old_.empty())
            ::unsetenv("TMPDIR");
        else
            ::setenv("TMPDIR", old_.c_str(), 1);
    }

  private:
    std::string old_;
};

TEST(OutputSpool, SmallOutputStaysInMemory) {
    OutputSpool spool;
    spool.write("[");
    spool.write("1,2");
    spool.write("]\n");
    EXPECT_FALSE(spool.spilled());
    EXPECT_EQ(spool.size(), 6u);
    EXPECT_EQ(spooled_text(spool), "[1,2]\n");
}

TEST(OutputSpool, LargeOutputGoesThroughAnUnnamedFileAndComesOutWhole) {
    const testing::ScratchDir dir;
    const TmpDirOverride tmp(dir.path());
    OutputSpool spool(/*memory_limit=*/1000);
    std::string expected;
    for (int i = 0; i < 5000; ++i) {
        const std::string piece = std::to_string(i) + (i % 7 == 0 ? "\n" : ",");
        spool.write(piece);
        expected += piece;
    }
    EXPECT_TRUE(spool.spilled());
    EXPECT_EQ(spool.size(), expected.size());
    EXPECT_EQ(spooled_text(spool), expected);
    EXPECT_EQ(spooled_text(spool), expected);  // copying out leaves it as it was
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "the temporary file has no name";
}

// read_at(), as the exporter sends a spool: any cut of it, across the file and the part still
// in memory, gives the text back; past the end, nothing.
TEST(OutputSpool, ReadAtGivesEveryPartInPieces) {
    const testing::ScratchDir dir;
    const TmpDirOverride tmp(dir.path());
    OutputSpool spool(/*memory_limit=*/1000);
    std::string expected;
    for (int i = 0; i < 3000; ++i) {
        const std::string piece = std::to_string(i) + ";";
        spool.write(piece);
        expected += piece;
    }
    ASSERT_TRUE(spool.spilled());
    for (const std::size_t max :
         {std::size_t{1}, std::size_t{333}, std::size_t{4096}, expected.size() + 5}) {
        std::string whole;
        std::string chunk;
        for (std::size_t offset = 0;; offset += chunk.size()) {
            ASSERT_TRUE(spool.read_at(offset, max, chunk));
            if (chunk.empty()) break;
            EXPECT_LE(chunk.size(), max);
            whole += chunk;
        }
        EXPECT_EQ(whole, expected) << max;
    }
    std::string chunk = "left over";
    ASSERT_TRUE(spool.read_at(expected.size() - 3, 100, chunk));
    EXPECT_EQ(chunk, expected.substr(expected.size() - 3));
    ASSERT_TRUE(spool.read_at(expected.size() + 10, 100, chunk));
    EXPECT_EQ(chunk, "");

    OutputSpool small;
    small.write("in memory");
    ASSERT_TRUE(small.read_at(3, 4, chunk));
    EXPECT_EQ(chunk, "memo");
}

TEST(OutputSpool, AMissingTemporaryDirectoryIsAnError) {
    const testing::ScratchDir dir;
    const TmpDirOverride tmp(dir.file("missing"));
    OutputSpool spool(/*memory_limit=*/10);
    spool.write("0123456789");
    EXPECT_THROW(spool.write("more than ten bytes"), Error);
}

TEST(OutputSpool, AFailedCopySaysSo) {
    OutputSpool spool;
    spool.write("text");
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    ::close(pipe_fds[1]);
    EXPECT_FALSE(spool.copy_to(pipe_fds[0]));  // the read end cannot be written
    ::close(pipe_fds[0]);
}

}  // namespace
}  // namespace kkt
