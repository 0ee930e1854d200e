#!/usr/bin/env bash
# Builds and runs the consumer projects against this source tree: an installed package found
# with find_package, add_subdirectory, FetchContent, a Meson subproject, a Makefile using
# pkg-config, and a compiler matrix (g++/clang++, C++17/C++20, -fno-exceptions -fno-rtti).
# Then consumers that choose another RapidJSON (third_party/rapidjson-24b5e7a, master) and prove
# they compiled against it. Everything is built in WORK_DIR, nothing in the source tree.
# Usage: tests/consumers/run.sh [WORK_DIR]
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
here="$src/tests/consumers"
rapidjson_master="$src/third_party/rapidjson-24b5e7a"
expect_master=-DRELPATCH_CONSUMER_EXPECT_RAPIDJSON_MASTER
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
meson_consumer() {  # meson_consumer DIR: tests/consumers/DIR/meson.build, relpatch a subproject
    local dir=$1 msrc="$work/$1-src" mbuild="$work/build-$1"
    rm -rf "$msrc" "$mbuild"
    mkdir -p "$msrc/subprojects"
    cp "$here/$dir/meson.build" "$here/consumer.cpp" "$msrc/"
    sed -i "s|'../consumer.cpp'|'consumer.cpp'|" "$msrc/meson.build"
    tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | (mkdir -p "$msrc/subprojects/relpatch" && tar -C "$msrc/subprojects/relpatch" -xf -)
    if [ "$dir" = meson_rapidjson ]; then
        mkdir -p "$msrc/rapidjson" && cp -r "$rapidjson_master/include" "$msrc/rapidjson/"
    fi
    meson setup "$mbuild" "$msrc" --force-fallback-for=relpatch &&
        meson test -C "$mbuild" &&
        test ! -e "$mbuild/subprojects/relpatch/tests/relpatch_tests"
}
pkgconfig_consumer() {  # pkgconfig_consumer CXX STD [extra flags]
    local cxx=$1 std=$2 extra=${3:-}
    mkdir -p "$work/makefile" &&
        PKG_CONFIG_PATH="$stage/share/pkgconfig" make -s -B -C "$work/makefile" \
            -f "$here/makefile/Makefile" CXX="$cxx" CXXSTD="$std $extra" consumer &&
        "$work/makefile/consumer"
}
# The check in consumer.cpp must fire against Debian's RapidJSON 1.1.0, or the consumers below
# would prove nothing.
master_check_fires() {
    local out="$work/build-find-package-expect-master.log"
    ! cmake_consumer find_package build-find-package-expect-master -DCMAKE_PREFIX_PATH="$stage" \
        -DCMAKE_CXX_FLAGS="$expect_master" >"$out" 2>&1 &&
        grep "not the RapidJSON master the consumer chose" "$out"
}

check install install_package
check find_package cmake_consumer find_package build-find-package -DCMAKE_PREFIX_PATH="$stage"
check find_package_wrong_major wrong_major_refused
check add_subdirectory cmake_consumer add_subdirectory build-add-subdirectory -DRELPATCH_SOURCE_DIR="$src"
check fetchcontent cmake_consumer fetchcontent build-fetchcontent -DRELPATCH_SOURCE_DIR="$src"
check meson_subproject meson_consumer meson
for cxx in g++ clang++; do
    for std in -std=c++17 -std=c++20; do
        check "pkgconfig_${cxx}_${std#-std=}" pkgconfig_consumer "$cxx" "$std"
        check "pkgconfig_${cxx}_${std#-std=}_noexcept_nortti" pkgconfig_consumer "$cxx" "$std" "-fno-exceptions -fno-rtti"
    done
done

# The consumer's RapidJSON wins over Debian's (whose RapidJSONConfig.cmake is in /usr).
check rapidjson_master_check_fires master_check_fires
check find_package_rapidjson_master_prefix_path cmake_consumer find_package build-find-package-master-prefix \
    -DCMAKE_PREFIX_PATH="$stage;$rapidjson_master" -DCMAKE_CXX_FLAGS="$expect_master"
check find_package_rapidjson_master_include_dir cmake_consumer find_package build-find-package-master-dir \
    -DCMAKE_PREFIX_PATH="$stage" -DRELPATCH_RAPIDJSON_INCLUDE_DIR="$rapidjson_master/include" \
    -DCMAKE_CXX_FLAGS="$expect_master"
check add_subdirectory_rapidjson_master cmake_consumer add_subdirectory build-add-subdirectory-master \
    -DRELPATCH_SOURCE_DIR="$src" -DRELPATCH_RAPIDJSON_INCLUDE_DIR="$rapidjson_master/include" \
    -DCMAKE_CXX_FLAGS="$expect_master"
check meson_subproject_rapidjson_master meson_consumer meson_rapidjson
check pkgconfig_rapidjson_master pkgconfig_consumer g++ -std=c++17 "-isystem $rapidjson_master/include $expect_master"

echo "consumers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
