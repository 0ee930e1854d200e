// One translation unit instantiating relpatch's entry points, compiled by .ci/run with every
// warning a strict consumer may turn on (g++: -Wconversion -Wsign-conversion -Wshadow
// -Wnull-dereference -Wold-style-cast -Wundef ...; clang++: -Weverything) and -Werror, RapidJSON
// included as a system header. A consumer's warnings must never fire inside <relpatch/...>.
// It also runs: each call checks its outcome, so a miscompiled instantiation fails too.
#include <relpatch/relpatch.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view release_text =
    R"({"name":"r","phases":[{"complete":true},{"complete":false},{"complete":false}]})";

bool text_entry_points() {
    rapidjson::Document doc;
    if (!relpatch::parse_document(release_text, doc)) return false;

    std::string comment;
    const relpatch::result release = relpatch::apply_patch(
        doc,
        R"({"comment":"go","patch":[{"op":"replace","path":"/phases/1/complete","value":true}]})",
        relpatch::limits{}, &comment);
    const relpatch::result ordered = relpatch::apply_patch<relpatch::ordered_release_policy>(
        doc, R"([{"op":"replace","path":"/phases/0/complete","value":false}])");
    const relpatch::result rfc = relpatch::apply_patch<relpatch::rfc6902_policy>(
        doc,
        R"([{"op":"add","path":"/owner","value":{"team":"x"}},{"op":"move","from":"/owner","path":"/lead"}])");
    return release && release.changed() && comment == "go" &&
           ordered.code() == relpatch::errc::phase_order_violation &&
           ordered.http_status() == 409 && rfc && doc.HasMember("lead");
}

bool dom_entry_point() {
    rapidjson::Document doc;
    rapidjson::Document patch;
    if (!relpatch::parse_document(release_text, doc)) return false;
    patch.Parse(
        R"([{"op":"test","path":"/phases/0/complete","value":true},{"op":"remove","path":"/phases/2"}])");
    const rapidjson::Value* comment = nullptr;
    const relpatch::result r = relpatch::apply_patch<relpatch::rfc6902_policy>(
        static_cast<rapidjson::Value&>(doc), static_cast<const rapidjson::Value&>(patch),
        doc.GetAllocator(), relpatch::limits{}, &comment);
    return r && comment == nullptr && doc["phases"].Size() == 2;
}

bool prepared_entry_point() {
    relpatch::prepared_patch<relpatch::ordered_release_policy> prepared;
    if (!relpatch::prepared_patch<relpatch::ordered_release_policy>::prepare(
            R"([{"op":"replace","path":"/phases/1/complete","value":true}])", prepared))
        return false;
    rapidjson::Document doc;
    if (!relpatch::parse_document(release_text, doc)) return false;
    const relpatch::result r = prepared.apply(doc);
    return r && r.changed() && prepared.size() == 1 && doc["phases"][1]["complete"].GetBool();
}

bool pointer_entry_point() {
    rapidjson::Document doc;
    if (!relpatch::parse_document(release_text, doc)) return false;
    relpatch::pointer p;
    if (relpatch::pointer::parse("/phases/1/complete", p) != relpatch::errc::success) return false;
    const rapidjson::Value* found = nullptr;
    if (p.resolve(static_cast<const rapidjson::Value&>(doc), found) != relpatch::errc::success)
        return false;
    relpatch::pointer bad;
    return found != nullptr && found->IsBool() && p.token_count() == 3 &&
           relpatch::pointer::parse("/a~2", bad) == relpatch::errc::invalid_pointer;
}

bool utf16_entry_point() {
    using doc16 = rapidjson::GenericDocument<rapidjson::UTF16<char16_t>>;
    doc16 doc;
    doc.Parse(u"{\"phases\":[{\"complete\":false}]}");
    const relpatch::result r = relpatch::apply_patch(
        doc, u"[{\"op\":\"replace\",\"path\":\"/phases/0/complete\",\"value\":true}]");
    return r && r.error_code() == relpatch::errc::success &&
           doc[u"phases"][0][u"complete"].GetBool();
}

}  // namespace

int main() {
    const bool pass = text_entry_points() && dom_entry_point() && prepared_entry_point() &&
                      pointer_entry_point() && utf16_entry_point();
    std::printf("strict consumer: %s\n", pass ? "ok" : "FAILED");
    return pass ? 0 : 1;
}
