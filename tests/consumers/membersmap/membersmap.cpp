// .ci/run compiles this with -DRAPIDJSON_USE_MEMBERSMAP=1 against RapidJSON master and expects
// it to FAIL with an #error naming RAPIDJSON_USE_MEMBERSMAP: relpatch moves object members
// directly, which would leave master's member index pointing at the wrong members.
#include <relpatch/relpatch.hpp>

int main() { return 0; }
