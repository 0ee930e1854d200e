// The program every consumer project builds: apply a release patch, check the result, and use
// enough of the API (policies, errors, prepared patches, version macros) to catch a broken
// include path or a missing header.
#include <relpatch/relpatch.hpp>

#include <cstdio>
#include <string>

// run.sh builds some consumers against third_party/rapidjson-24b5e7a (RapidJSON master) and
// defines this to prove that the consumer's choice won over Debian's RapidJSON 1.1.0: only
// master's rapidjson.h defines RAPIDJSON_USE_MEMBERSMAP (to 0 by default).
#if defined(RELPATCH_CONSUMER_EXPECT_RAPIDJSON_MASTER) && !defined(RAPIDJSON_USE_MEMBERSMAP)
#error "built against RapidJSON 1.1.0, not the RapidJSON master the consumer chose"
#endif

static_assert(RELPATCH_VERSION_MAJOR >= 0 && RELPATCH_VERSION_MINOR >= 0 &&
              RELPATCH_VERSION_PATCH >= 0);

int main() {
    rapidjson::Document doc;
    doc.Parse(R"({"phases":[{"complete":true},{"complete":false}]})");
    const relpatch::result ok = relpatch::apply_patch(
        doc, R"([{"op":"replace","path":"/phases/1/complete","value":true}])");
    const relpatch::result refused =
        relpatch::apply_patch(doc, R"([{"op":"replace","path":"/name","value":"x"}])");
    relpatch::prepared_patch<relpatch::ordered_release_policy> prepared;
    const bool prepared_ok =
        static_cast<bool>(relpatch::prepared_patch<relpatch::ordered_release_policy>::prepare(
            R"([{"op":"replace","path":"/phases/1/complete","value":false}])", prepared));
    const relpatch::result undone = prepared.apply(doc);
    const bool pass = ok && ok.changed() && refused.code() == relpatch::errc::path_not_allowed &&
                      refused.http_status() == 422 && prepared_ok && undone &&
                      !doc["phases"][1]["complete"].GetBool() &&
                      std::string(relpatch::errc_name(refused.code())) == "path_not_allowed";
    std::printf("relpatch %d.%d.%d consumer: %s\n", RELPATCH_VERSION_MAJOR, RELPATCH_VERSION_MINOR,
                RELPATCH_VERSION_PATCH, pass ? "ok" : "FAILED");
    return pass ? 0 : 1;
}
