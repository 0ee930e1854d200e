// Pointer parsing and resolution. Invariant: a pointer that parses is its tokens, decoded and
// escaped again (escapes are canonical, so the text round-trips exactly); resolving it against
// a fixed document never crashes and agrees with a walk of the decoded tokens.

#include "fuzz_common.hpp"

#include <string>

namespace {

const rapidjson::Document& fixed_document() {
    static const rapidjson::Document doc = [] {
        rapidjson::Document d;
        d.Parse(R"({"phases":[{"complete":true,"a/b":{"m~n":[1,2,{"":0}]}},{"complete":false}],
                    "":{"":[null]},"0":["x"],"-":{"01":true}})");
        return d;
    }();
    return doc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    relpatch::pointer p;
    const relpatch::errc e = relpatch::pointer::parse(text, p);
    if (e != relpatch::errc::success) {
        FUZZ_CHECK(e == relpatch::errc::invalid_pointer);
        return 0;
    }
    std::string again;
    std::size_t tokens = 0;
    for (const auto t : p) {
        std::string decoded(t.decoded_size(), '\0');
        t.decode(decoded.data());
        FUZZ_CHECK(t.equals(decoded.data(), decoded.size()));
        again += "/" + relpatch_fuzz::escape_token(decoded.data(), decoded.size());
        std::size_t index = 0;
        const relpatch::errc ie = t.to_index(3, true, index);
        FUZZ_CHECK(ie != relpatch::errc::success || index <= 3);
        ++tokens;
    }
    FUZZ_CHECK(again == text);
    FUZZ_CHECK(tokens == p.token_count());

    const rapidjson::Value* target = nullptr;
    const relpatch::errc re = p.resolve(fixed_document(), target);
    if (re == relpatch::errc::success) {
        FUZZ_CHECK(target != nullptr);
        // The parent resolves too, and the last token names target inside it.
        const rapidjson::Value* parent = nullptr;
        FUZZ_CHECK(p.parent().resolve(fixed_document(), parent) == relpatch::errc::success);
        FUZZ_CHECK(p.is_root() || parent != target);
    } else {
        FUZZ_CHECK(re == relpatch::errc::path_not_found || re == relpatch::errc::not_a_container ||
                   re == relpatch::errc::invalid_index || re == relpatch::errc::index_out_of_range);
    }
    return 0;
}
