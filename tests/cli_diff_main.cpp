// A stand-in for the relpatch CLI's entry point, with the one line that hooks `relpatch diff`
// into its main(), so that cli_diff_test.sh runs before (and whatever) the CLI does.

#include "diff_command.hpp"

#include <cstdio>
#include <string_view>

int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "diff") return run_diff_command(argc - 1, argv + 1);
    std::fprintf(stderr, "usage: %s diff ...\n", argv[0]);
    return 2;
}
