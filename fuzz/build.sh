#!/bin/bash -eu
# Builds the fuzzers the OSS-Fuzz / ClusterFuzzLite way: compiler and flags from $CXX,
# $CXXFLAGS and $LIB_FUZZING_ENGINE, binaries, seed corpus zips and dictionaries into $OUT.
# RapidJSON (and nlohmann-json, for fuzz_differential) come from the system:
#   apt-get install rapidjson-dev nlohmann-json3-dev zip
# Locally, with clang's libFuzzer:
#   CXX=clang++ CXXFLAGS="-fsanitize=address,undefined -g -O1" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/relpatch-fuzz bash fuzz/build.sh

# `bash fuzz/build.sh` ignores the options on the shebang line: set them here.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CXX=${CXX:-clang++}
CXXFLAGS=${CXXFLAGS:-}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}
OUT=${OUT:-$src/build-ossfuzz}
mkdir -p "$OUT"

flags=(-std=c++17 -I"$src/include")
# RapidJSON 1.1.0's own null-pointer arithmetic (see cmake/ubsan-ignorelist.txt).
case "$CXXFLAGS" in
  *undefined*|*pointer-overflow*) flags+=(-fsanitize-ignorelist="$src/cmake/ubsan-ignorelist.txt") ;;
esac

fuzzers=(fuzz_pointer fuzz_release_patch fuzz_rfc6902_patch fuzz_engine fuzz_dom fuzz_encodings
  fuzz_diff fuzz_text_patch)
if echo '#include <nlohmann/json.hpp>' | $CXX -std=c++17 -x c++ -fsyntax-only - 2>/dev/null; then
  fuzzers+=(fuzz_differential)
else
  echo "nlohmann/json.hpp not found: fuzz_differential skipped" >&2
fi

corpus=$src/fuzz/corpus
# Harnesses that read "patch NUL document" also take corpus/common/ (as in fuzz/CMakeLists.txt).
common_users=" fuzz_release_patch fuzz_rfc6902_patch fuzz_engine fuzz_dom fuzz_encodings fuzz_differential "
for fuzzer in "${fuzzers[@]}"; do
  # shellcheck disable=SC2086  # CXXFLAGS and LIB_FUZZING_ENGINE are lists of flags
  $CXX $CXXFLAGS "${flags[@]}" "$src/fuzz/$fuzzer.cpp" -o "$OUT/$fuzzer" $LIB_FUZZING_ENGINE
  seed_dirs=("$corpus/$fuzzer")
  if [[ "$common_users" == *" $fuzzer "* ]]; then
    seed_dirs+=("$corpus/common")
    for seed in "$corpus/common"/*; do
      if [ -e "$corpus/$fuzzer/$(basename "$seed")" ]; then
        echo "seed name $(basename "$seed") is both in corpus/common and corpus/$fuzzer" >&2
        exit 1
      fi
    done
  fi
  rm -f "$OUT/${fuzzer}_seed_corpus.zip"
  for dir in "${seed_dirs[@]}"; do zip -q -j "$OUT/${fuzzer}_seed_corpus.zip" "$dir"/*; done
  cp "$src/fuzz/relpatch.dict" "$OUT/$fuzzer.dict"
  echo "built $OUT/$fuzzer"
done
