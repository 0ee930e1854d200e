#ifndef RELPATCH_TOOLS_DIFF_COMMAND_HPP
#define RELPATCH_TOOLS_DIFF_COMMAND_HPP

// `relpatch diff`: prints the JSON Patch that turns one document into another.
//
// Called with the arguments after the program name, the first being "diff":
//
//     if (argc > 1 && std::string_view(argv[1]) == "diff")
//         return run_diff_command(argc - 1, argv + 1);
//
// Exit status: 0 the patch was printed; 1 the policy cannot express the difference, or the
// patch is over a limit (a JSON error object on stderr); 2 usage or I/O error, or a document
// that is not JSON.
int run_diff_command(int argc, char** argv);

#endif
