// relpatch diff [--policy release|ordered-release|rfc6902] [--exact] [--tests]
//               [--strategy compact|in-place] [--pretty] [--] FROM TO
//
// Prints the JSON Patch that turns FROM into TO (either may be "-" for standard input), as the
// policy allows it: under the release policies only replaces of /phases/N/complete; when TO
// differs where the policy cannot follow, the refusal names the first such location. See
// diff_command.hpp for the exit status.

#include "diff_command.hpp"

#include "cli_common.hpp"

#include <relpatch/relpatch.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <unistd.h>

namespace {

using relpatch_cli::exit_refused;
using relpatch_cli::exit_usage;

const char diff_usage_text[] =
    "usage: relpatch diff [--policy release|ordered-release|rfc6902] [--exact] [--tests]\n"
    "                     [--strategy compact|in-place] [--pretty] [--] FROM TO\n"
    "  FROM, TO     file paths, or - for standard input (not both); a leading UTF-8 byte\n"
    "               order mark is allowed\n"
    "  --policy     which operations the patch may use (default: release, as for applying)\n"
    "  --exact      the patch rebuilds TO byte for byte (number spelling, member order)\n"
    "  --tests      a test of the old value before each replace, remove and move (refused by\n"
    "               the release policies, which accept only replace)\n"
    "  --strategy   compact (few operations: moves, aligned arrays, containers replaced when\n"
    "               smaller) or in-place (every change where it is); default: compact for\n"
    "               rfc6902, in-place for the release policies\n"
    "  --pretty     indent the patch by 2 spaces per level\n"
    "Each option may be given once. Exit status: 0 the patch was printed, 1 the policy cannot\n"
    "express the difference or the patch is over a limit (a JSON error on stderr), 2 usage or\n"
    "I/O error, or a document that is not JSON.\n";

int usage(const std::string& problem) {
    std::fprintf(stderr, "relpatch diff: %s\n%s", problem.c_str(), diff_usage_text);
    return exit_usage;
}

struct diff_arguments {
    std::string policy = "release";
    std::string strategy;
    bool exact = false;
    bool tests = false;
    bool pretty = false;
    std::string from;
    std::string to;
};

// Returns -1 to go on, or the exit status to stop with (0 after --help).
int parse(int argc, char** argv, diff_arguments& out) {
    bool seen_policy = false;
    bool seen_strategy = false;
    bool options_ended = false;
    int paths = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool is_option = !options_ended && arg.size() > 1 && arg[0] == '-';
        if (!is_option) {
            if (paths == 2) return usage("too many arguments");
            (paths++ == 0 ? out.from : out.to) = std::string(arg);
        } else if (arg == "--") {
            options_ended = true;
        } else if (arg == "--help" || arg == "-h") {
            std::fputs(diff_usage_text, stdout);
            return 0;
        } else if (arg == "--exact" || arg == "--tests" || arg == "--pretty") {
            bool& flag = arg == "--exact" ? out.exact : arg == "--tests" ? out.tests : out.pretty;
            if (flag) return usage(std::string(arg) + " given twice");
            flag = true;
        } else if (arg == "--policy" || arg.substr(0, 9) == "--policy=" || arg == "--strategy" ||
                   arg.substr(0, 11) == "--strategy=") {
            const bool policy = arg.substr(0, 8) == "--policy";
            const std::string_view name = policy ? "--policy" : "--strategy";
            bool& seen = policy ? seen_policy : seen_strategy;
            if (seen) return usage(std::string(name) + " given twice");
            seen = true;
            std::string value;
            if (arg == name) {
                if (++i == argc) return usage(std::string(name) + " needs a value");
                value = argv[i];
            } else {
                value = std::string(arg.substr(name.size() + 1));
            }
            (policy ? out.policy : out.strategy) = value;
        } else {
            return usage("unknown option " + std::string(arg));
        }
    }
    if (paths != 2) return usage("FROM and TO are required");
    if (out.policy != "release" && out.policy != "ordered-release" && out.policy != "rfc6902")
        return usage("unknown policy " + out.policy);
    if (!out.strategy.empty() && out.strategy != "compact" && out.strategy != "in-place")
        return usage("unknown strategy " + out.strategy);
    if (out.from == "-" && out.to == "-") return usage("FROM and TO cannot both be -");
    return -1;
}

// Reads and parses FROM or TO; prints why not and returns false on failure.
bool load(const char* role, const std::string& path, const relpatch::limits& lim,
          rapidjson::Document& doc) {
    std::string text;
    const std::string name = relpatch_cli::named(role, path);
    if (!relpatch_cli::read_path(path, text)) {
        std::fprintf(stderr, "relpatch diff: cannot read %s: %s\n", name.c_str(),
                     std::strerror(errno));
        return false;
    }
    const relpatch::result r = relpatch::parse_document(std::string_view(text), doc, lim);
    if (r) return true;
    std::fprintf(stderr, "relpatch diff: %s\n",
                 relpatch_cli::invalid_document_message(r, name, lim.max_document_depth).c_str());
    return false;
}

template <class Policy>
relpatch::result run(const rapidjson::Document& from, const rapidjson::Document& to,
                     rapidjson::Document& patch, const relpatch::diff_options& opt,
                     const relpatch::limits& lim) {
    return relpatch::diff<Policy>(from, to, patch, opt, lim);
}

}  // namespace

int run_diff_command(int argc, char** argv) {
    diff_arguments args;
    if (const int status = parse(argc, argv, args); status >= 0) return status;

    // As `relpatch` does for DOC: documents up to the deepest RapidJSON's Writer handles.
    relpatch::limits lim;
    lim.max_document_depth = relpatch::hard_max_depth;
    rapidjson::Document from;
    rapidjson::Document to;
    if (!load("FROM", args.from, lim, from) || !load("TO", args.to, lim, to)) return exit_usage;

    relpatch::diff_options opt;
    opt.exact = args.exact;
    opt.emit_tests = args.tests;
    if (args.strategy == "compact") opt.strategy = relpatch::diff_strategy::compact;
    if (args.strategy == "in-place") opt.strategy = relpatch::diff_strategy::in_place;
    rapidjson::Document patch;
    relpatch::result r;
    if (args.policy == "rfc6902")
        r = run<relpatch::rfc6902_policy>(from, to, patch, opt, lim);
    else if (args.policy == "ordered-release")
        r = run<relpatch::ordered_release_policy>(from, to, patch, opt, lim);
    else
        r = run<relpatch::release_policy>(from, to, patch, opt, lim);
    if (!r) {
        relpatch_cli::report_refusal(r, true);  // with the pointer of the refused operation
        return exit_refused;
    }

    if (!relpatch_cli::write_document(STDOUT_FILENO, patch, args.pretty, false)) {
        std::fprintf(stderr, "relpatch diff: cannot write standard output: %s\n",
                     std::strerror(errno));
        return exit_usage;
    }
    return 0;
}
