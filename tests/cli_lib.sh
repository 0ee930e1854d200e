# shellcheck shell=bash
# Sourced by the ctest drivers cli_test.sh and cli_diff_test.sh, which are run as
# `bash SCRIPT PATH_TO_RELPATCH EXAMPLES_DIR` and source this file from their own directory.
# Sets cli and ex (both made absolute: some tests run the CLI from another directory), a
# scratch directory $work removed on exit, the counts, and the helpers below. A driver that runs
# a subcommand puts its words in cli_command before calling run (e.g. cli_command=(diff)).
cli=$1
case $cli in /*) ;; *) cli=$PWD/$cli ;; esac
ex=$2
case $ex in /*) ;; *) ex=$PWD/$ex ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
cli_command=()

check() {  # check NAME CONDITION...
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAILED: $name" >&2
    fi
}

run() {  # run EXPECTED_STATUS ARGS... ; leaves stdout/stderr in $work/out, $work/err (a hang fails)
    local expected=$1
    shift
    timeout 120 "$cli" "${cli_command[@]}" "$@" >"$work/out" 2>"$work/err"
    local status=$?
    [ "$status" -eq "$expected" ] || { echo "exit $status, expected $expected: $*" >&2; cat "$work/err" >&2; return 1; }
}

has() { grep -qF -- "$2" "$work/$1"; }
