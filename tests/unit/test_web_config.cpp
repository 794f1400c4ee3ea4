// --web.config.file: the exporter-toolkit format read, relative files resolved against the file's
// directory, every key this server does not implement refused by name; basic authentication
// against bcrypt hashes; the listen address and Accept-Encoding rules; HTML escaping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "common/errors.hpp"
#include "web/basic_auth.hpp"
#include "web/gzip.hpp"
#include "web/html.hpp"
#include "web/http.hpp"
#include "web/listen_address.hpp"
#include "web/web_config.hpp"

namespace kkt::web {
namespace {

using ::testing::HasSubstr;

WebConfig parse(const std::string& yaml) {
    return parse_web_config(yaml, "/etc/atol-kkt", "web.yml");
}

std::string refusal(const std::string& yaml) {
    try {
        parse(yaml);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "accepted";
}

TEST(WebConfig, ReadsTlsAndUsers) {
    const WebConfig c = parse(
        "tls_server_config:\n  cert_file: tls/server.crt\n  key_file: /keys/server.key\n"
        "  min_version: TLS13\n  client_auth_type: NoClientCert\n"
        "http_server_config:\n  http2: false\n"
        "basic_auth_users:\n  prometheus: $2y$10$abc\n  grafana: $2b$12$def\n");
    ASSERT_TRUE(c.tls);
    EXPECT_EQ(c.tls->cert_file, "/etc/atol-kkt/tls/server.crt");
    EXPECT_EQ(c.tls->key_file, "/keys/server.key");
    EXPECT_EQ(c.tls->min_version, "TLS13");
    EXPECT_EQ(c.basic_auth_users.size(), 2u);
    EXPECT_EQ(c.basic_auth_users.at("prometheus"), "$2y$10$abc");
}

TEST(WebConfig, EmptyMeansPlainHttpWithoutUsers) {
    for (const std::string yaml : {"", "# nothing\n", "tls_server_config:\nbasic_auth_users:\n"}) {
        const WebConfig c = parse(yaml);
        EXPECT_FALSE(c.tls) << yaml;
        EXPECT_TRUE(c.basic_auth_users.empty()) << yaml;
    }
}

TEST(WebConfig, RefusesWhatItCannotHonour) {
    EXPECT_THAT(refusal("tls_config: {}\n"), HasSubstr("unknown key tls_config"));
    EXPECT_THAT(refusal("tls_server_config:\n  cert_file: a\n"), HasSubstr("key_file is missing"));
    EXPECT_THAT(refusal("tls_server_config:\n  key_file: a\n"), HasSubstr("cert_file is missing"));
    EXPECT_THAT(refusal("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: SSL3\n"),
                HasSubstr("min_version must be TLS10, TLS11, TLS12 or TLS13"));
    for (const std::string key :
         {"client_ca_file: ca.crt", "cipher_suites: [TLS_AES_128_GCM_SHA256]",
          "client_auth_type: RequireAndVerifyClientCert", "curve_preferences: [X25519]"})
        EXPECT_THAT(refusal("tls_server_config:\n  " + key + "\n"), HasSubstr("is not supported"))
            << key;
    EXPECT_THAT(refusal("http_server_config:\n  headers:\n    X-A: b\n"),
                HasSubstr("http_server_config.headers is not supported"));
    EXPECT_THAT(refusal("basic_auth_users: [a, b]\n"),
                HasSubstr("basic_auth_users must be a mapping"));
    EXPECT_THAT(refusal("basic_auth_users:\n  a: [1]\n"), HasSubstr("must be a string"));
    EXPECT_THAT(refusal("a: [unclosed\n"), HasSubstr("not valid YAML"));
    EXPECT_THAT(refusal("- a list\n"), HasSubstr("expected a mapping"));
    EXPECT_THAT(refusal("tls_config: {}\n"), HasSubstr("web config web.yml: "));
}

TEST(BasicAuth, VerifiesBcryptAndRemembersNoPassword) {
    const std::string hash = bcrypt_hash("right horse", 4);
    EXPECT_TRUE(hash.starts_with("$2b$04$"));
    const BasicAuth auth({{"prometheus", hash}});
    // "prometheus:right horse", "prometheus:wrong", "nobody:right horse"
    EXPECT_TRUE(auth.allows("Basic cHJvbWV0aGV1czpyaWdodCBob3JzZQ=="));
    EXPECT_TRUE(auth.allows("basic  cHJvbWV0aGV1czpyaWdodCBob3JzZQ== "));  // remembered, any case
    EXPECT_FALSE(auth.allows("Basic cHJvbWV0aGV1czp3cm9uZw=="));
    EXPECT_FALSE(auth.allows("Basic bm9ib2R5OnJpZ2h0IGhvcnNl"));
    EXPECT_FALSE(auth.allows(""));
    EXPECT_FALSE(auth.allows("Bearer cHJvbWV0aGV1czpyaWdodCBob3JzZQ=="));
    EXPECT_FALSE(auth.allows("Basic !!!not base64!!!"));
    EXPECT_FALSE(auth.allows("Basic cHJvbWV0aGV1cw=="));  // "prometheus": no colon
    EXPECT_EQ(BasicAuth::user_of("Basic cHJvbWV0aGV1czp3cm9uZw=="), "prometheus");
    // A password with a NUL byte: crypt_r would stop at it, so it never matches.
    const BasicAuth nul({{"a", bcrypt_hash("x", 4)}});
    EXPECT_FALSE(nul.allows("Basic YTp4AHk="));  // "a:x\0y"
}

TEST(BasicAuth, RefusesWhatIsNotABcryptHash) {
    using Users = std::map<std::string, std::string>;
    EXPECT_THROW(BasicAuth(Users{{"a", "plaintext"}}), ConfigError);
    EXPECT_THROW(BasicAuth(Users{{"a", "$6$salt$sha512cryptnotbcrypt"}}), ConfigError);
    EXPECT_THROW(BasicAuth(Users{{"a:b", bcrypt_hash("x", 4)}}), ConfigError);
}

TEST(ListenAddress, PrometheusForms) {
    EXPECT_EQ(parse_listen_address(":9632").host, "");
    EXPECT_EQ(parse_listen_address(":9632").port, 9632);
    EXPECT_EQ(parse_listen_address("127.0.0.1:0").host, "127.0.0.1");
    EXPECT_EQ(parse_listen_address("[::1]:9632").host, "::1");
    EXPECT_EQ(parse_listen_address("localhost:80").host, "localhost");
    for (const std::string bad : {"9632", "::1:9632", "host:", "host:port", ":65536", ":-1"})
        EXPECT_THROW(parse_listen_address(bad), ConfigError) << bad;
}

TEST(Gzip, AcceptEncodingAndMembersInARow) {
    EXPECT_TRUE(accepts_gzip("gzip"));
    EXPECT_TRUE(accepts_gzip("deflate, GZIP"));
    EXPECT_TRUE(accepts_gzip("gzip;q=0.5"));
    EXPECT_TRUE(accepts_gzip("*"));
    EXPECT_FALSE(accepts_gzip(""));
    EXPECT_FALSE(accepts_gzip("identity"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0"));
    EXPECT_FALSE(accepts_gzip("gzip; q=0.000"));
    EXPECT_FALSE(accepts_gzip("xgzip"));
    const std::string member = gzip("hello", 1);
    EXPECT_EQ(static_cast<unsigned char>(member[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(member[1]), 0x8b);
}

// zlib's reading of `data`: one or more gzip members in a row.
std::string gunzip_members(const std::string& data) {
    std::string out;
    z_stream z{};
    EXPECT_EQ(inflateInit2(&z, 15 + 32), Z_OK);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    char chunk[4096];
    while (z.avail_in > 0) {
        z.next_out = reinterpret_cast<Bytef*>(chunk);
        z.avail_out = sizeof chunk;
        const int result = inflate(&z, Z_NO_FLUSH);
        out.append(chunk, sizeof chunk - z.avail_out);
        if (result == Z_STREAM_END) {
            inflateReset(&z);
        } else if (result != Z_OK) {
            ADD_FAILURE() << "inflate: " << result;
            break;
        }
    }
    inflateEnd(&z);
    return out;
}

// The streamed writer (the exporter compresses an exposition of a hundred MiB or more through
// it, from one OutputSpool into another) gives what one whole deflate of the text gives, however
// the text is cut, and its member can follow another.
TEST(Gzip, WrittenInPiecesIsTheSameStream) {
    std::string text;
    for (int i = 0; i < 40000; ++i)
        text += "atol_kkt_state{serial=\"" + std::to_string(i) + "\"} 1\n";
    for (const std::size_t piece :
         {std::size_t{1}, std::size_t{1000}, std::size_t{65536}, text.size()}) {
        std::string zipped;
        StringSink sink(zipped);
        GzipWriter writer(sink, 6);
        for (std::size_t at = 0; at < text.size(); at += piece)
            writer.write(std::string_view(text).substr(at, piece));
        writer.finish();
        writer.finish();  // once is what counts
        EXPECT_EQ(zipped, gzip(text, 6)) << piece;
        EXPECT_LT(zipped.size(), text.size() / 5);
        EXPECT_EQ(gunzip_members(gzip("head\n", 1) + zipped), "head\n" + text) << piece;
    }
    std::string empty;
    StringSink sink(empty);
    GzipWriter writer(sink, 1);
    writer.finish();
    EXPECT_EQ(gunzip_members(empty), "");
    EXPECT_THROW(writer.write("after the end"), Error);
}

TEST(Html, EscapesEveryMarkupCharacter) {
    EXPECT_EQ(html_escape("<script>alert(\"x\" & 'y')</script>"),
              "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
    EXPECT_EQ(html_escape("г. Москва"), "г. Москва");
}

TEST(RequestTarget, QueryParametersDecoded) {
    EXPECT_EQ(query_parameter("/probe?profile=shop", "profile"), "shop");
    EXPECT_EQ(query_parameter("/probe?a=1&profile=a%2Fb", "profile"), "a/b");
    EXPECT_EQ(query_parameter("/probe?profile=", "profile"), "");
    EXPECT_EQ(query_parameter("/probe", "profile"), std::nullopt);
    EXPECT_EQ(target_path("/probe?profile=x"), "/probe");
}

}  // namespace
}  // namespace kkt::web
