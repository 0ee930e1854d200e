#!/usr/bin/env bash
# Builds and runs the consumer projects against this source tree: an installed package found
# with find_package, add_subdirectory, FetchContent, a Meson subproject, a Makefile using
# pkg-config, and a compiler matrix (g++/clang++, C++17/C++20, -fno-exceptions -fno-rtti).
# Usage: tests/consumers/run.sh [WORK_DIR]
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
here="$src/tests/consumers"
work=${1:-$(mktemp -d)}
mkdir -p "$work"
passed=0
failed=0
check() {
    local name=$1
    shift
    if "$@" >"$work/$name.log" 2>&1; then
        passed=$((passed + 1))
        echo "ok      $name"
    else
        failed=$((failed + 1))
        echo "FAILED  $name (log: $work/$name.log)"
        tail -20 "$work/$name.log"
    fi
}

stage="$work/stage"
install_package() {
    cmake -S "$src" -B "$work/build-install" -G Ninja -DRELPATCH_BUILD_TESTS=OFF -DRELPATCH_BUILD_TOOLS=OFF &&
        cmake --install "$work/build-install" --prefix "$stage" &&
        test -f "$stage/include/relpatch/relpatch.hpp" &&
        test -f "$stage/share/cmake/relpatch/relpatchConfig.cmake" &&
        test -f "$stage/share/cmake/relpatch/relpatchConfigVersion.cmake" &&
        test -f "$stage/share/pkgconfig/relpatch.pc"
}
cmake_consumer() {  # cmake_consumer DIR BUILD [cmake args...]
    local dir=$1 build=$2
    shift 2
    cmake -S "$here/$dir" -B "$work/$build" -G Ninja "$@" &&
        cmake --build "$work/$build" &&
        "$work/$build/consumer"
}
wrong_major_refused() {
    ! cmake -S "$here/find_package" -B "$work/build-wrong-major" -G Ninja \
        -DCMAKE_PREFIX_PATH="$stage" -DRELPATCH_REQUIRED_VERSION=99
}
meson_consumer() {
    rm -rf "$work/meson-src"
    mkdir -p "$work/meson-src/subprojects"
    cp "$here/meson/meson.build" "$here/consumer.cpp" "$work/meson-src/"
    sed -i "s|'../consumer.cpp'|'consumer.cpp'|" "$work/meson-src/meson.build"
    tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | (mkdir -p "$work/meson-src/subprojects/relpatch" && tar -C "$work/meson-src/subprojects/relpatch" -xf -)
    meson setup "$work/build-meson" "$work/meson-src" --force-fallback-for=relpatch &&
        meson test -C "$work/build-meson" &&
        test ! -e "$work/build-meson/subprojects/relpatch/tests/relpatch_tests"
}
pkgconfig_consumer() {  # pkgconfig_consumer CXX STD [extra flags]
    local cxx=$1 std=$2 extra=${3:-}
    PKG_CONFIG_PATH="$stage/share/pkgconfig" make -s -B -C "$here/makefile" CXX="$cxx" \
        CXXSTD="$std $extra" consumer &&
        "$here/makefile/consumer" && rm -f "$here/makefile/consumer"
}

check install install_package
check find_package cmake_consumer find_package build-find-package -DCMAKE_PREFIX_PATH="$stage"
check find_package_wrong_major wrong_major_refused
check add_subdirectory cmake_consumer add_subdirectory build-add-subdirectory -DRELPATCH_SOURCE_DIR="$src"
check fetchcontent cmake_consumer fetchcontent build-fetchcontent -DRELPATCH_SOURCE_DIR="$src"
check meson_subproject meson_consumer
for cxx in g++ clang++; do
    for std in -std=c++17 -std=c++20; do
        check "pkgconfig_${cxx}_${std#-std=}" pkgconfig_consumer "$cxx" "$std"
        check "pkgconfig_${cxx}_${std#-std=}_noexcept_nortti" pkgconfig_consumer "$cxx" "$std" "-fno-exceptions -fno-rtti"
    done
done

echo "consumers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
