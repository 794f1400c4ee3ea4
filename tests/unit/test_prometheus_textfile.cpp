// The textfile collector output: replaced whole (a reader holding the old file keeps it), mode
// 0644 whatever the umask, no temporary file left behind, clear errors.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/errors.hpp"
#include "prometheus/textfile.hpp"

namespace kkt::prometheus {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class Textfile : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/atol-kkt-textfile-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir = pattern;
        old_umask = ::umask(077);  // the strictest umask must not hide the file from node_exporter
    }
    void TearDown() override {
        ::umask(old_umask);
        fs::remove_all(dir);
    }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename());
        return out;
    }
    static std::string read(const std::string& path) {
        std::ifstream in(path);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    fs::path dir;
    mode_t old_umask = 0;
};

TEST_F(Textfile, WritesTheContentWorldReadableAndLeavesNothingElse) {
    const std::string path = dir / "atol-kkt.prom";
    write_file_atomically(path, "atol_kkt_up 1\n");
    EXPECT_EQ(read(path), "atol_kkt_up 1\n");
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u);
    EXPECT_EQ(names(), std::vector<std::string>{"atol-kkt.prom"});
}

TEST_F(Textfile, ReplacesByRenameSoAReaderOfTheOldFileSeesItWhole) {
    const std::string path = dir / "atol-kkt.prom";
    write_file_atomically(path, "old\n");
    const int reader = ::open(path.c_str(), O_RDONLY);
    ASSERT_GE(reader, 0);
    struct stat before {};
    ASSERT_EQ(::fstat(reader, &before), 0);

    write_file_atomically(path, "new\n");
    struct stat after {};
    ASSERT_EQ(::stat(path.c_str(), &after), 0);
    EXPECT_NE(after.st_ino, before.st_ino);  // a new file took the name; the old was not rewritten
    char buf[16] = {};
    EXPECT_EQ(::read(reader, buf, sizeof buf), 4);
    EXPECT_EQ(std::string(buf), "old\n");
    ::close(reader);
    EXPECT_EQ(read(path), "new\n");
    EXPECT_EQ(names(), std::vector<std::string>{"atol-kkt.prom"});
}

TEST_F(Textfile, AMissingDirectoryIsAClearError) {
    const std::string path = dir / "no-such-dir" / "atol-kkt.prom";
    try {
        write_file_atomically(path, "x\n");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("cannot write " + path));
        EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
    }
    EXPECT_TRUE(names().empty());
}

TEST_F(Textfile, AFailedRenameRemovesTheTemporaryFile) {
    fs::create_directory(dir / "atol-kkt.prom");  // a directory cannot be replaced by a file
    EXPECT_THROW(write_file_atomically(dir / "atol-kkt.prom", "x\n"), Error);
    EXPECT_EQ(names(), std::vector<std::string>{"atol-kkt.prom"});
    EXPECT_TRUE(fs::is_directory(dir / "atol-kkt.prom"));
}

TEST_F(Textfile, ABigExpositionIsWrittenWhole) {
    std::string big;
    for (int i = 0; i < 200000; ++i)
        big += "atol_kkt_state{serial=\"" + std::to_string(i) + "\"} 0\n";
    const std::string path = dir / "big.prom";
    write_file_atomically(path, big);
    EXPECT_EQ(read(path), big);
}

}  // namespace
}  // namespace kkt::prometheus
