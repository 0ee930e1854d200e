#!/bin/bash -eu
# ClusterFuzzLite runs this in the image built from .clusterfuzzlite/Dockerfile, with $CXX,
# $CXXFLAGS, $LIB_FUZZING_ENGINE and $OUT set; fuzz/build.sh builds every harness, its seed
# corpus zip and dictionary into $OUT (.ci/run checks that script locally).
set -euo pipefail
bash "$SRC/relpatch/fuzz/build.sh"
