#ifndef RELPATCH_VERSION_HPP
#define RELPATCH_VERSION_HPP

/// @file
/// relpatch's version. The single place the version is written; CMakeLists.txt and meson.build
/// read it from here.

/// Major version: the CMake package is compatible within one major version.
#define RELPATCH_VERSION_MAJOR 0
/// Minor version.
#define RELPATCH_VERSION_MINOR 2
/// Patch version.
#define RELPATCH_VERSION_PATCH 0

/// The version as one number, major * 10000 + minor * 100 + patch (0.1.0 is 100), for `#if`.
#define RELPATCH_VERSION \
    (RELPATCH_VERSION_MAJOR * 10000 + RELPATCH_VERSION_MINOR * 100 + RELPATCH_VERSION_PATCH)

#endif
