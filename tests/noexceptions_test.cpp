// Built with -fno-exceptions -fno-rtti: the whole API compiles and works without them.
#include <relpatch/relpatch.hpp>

#include <cstdio>
#include <string>

int main() {
    rapidjson::Document doc;
    doc.Parse(R"({"phases":[{"complete":true},{"complete":false}]})");
    std::string comment;
    const relpatch::result ok = relpatch::apply_patch(
        doc,
        R"({"comment":"go","patch":[{"op":"replace","path":"/phases/1/complete","value":true}]})",
        relpatch::limits(), &comment);
    const relpatch::result no = relpatch::apply_patch<relpatch::rfc6902_policy>(
        doc, R"([{"op":"remove","path":"/phases/0"},{"op":"test","path":"/x","value":1}])");
    const std::error_code ec = no.error_code();
    const bool pass =
        ok && ok.changed() && comment == "go" && doc["phases"][1]["complete"].IsTrue() &&
        no.code() == relpatch::errc::path_not_found && no.op_index() == 1 &&
        doc["phases"].Size() == 2 && ec == relpatch::errc::path_not_found && !no.message().empty();
    std::printf("%s\n", pass ? "1 passed, 0 failed" : "0 passed, 1 failed");
    return pass ? 0 : 1;
}
