#ifndef RELPATCH_VERSION_HPP
#define RELPATCH_VERSION_HPP

// The single place the version is written; CMakeLists.txt and meson.build read it from here.
#define RELPATCH_VERSION_MAJOR 0
#define RELPATCH_VERSION_MINOR 1
#define RELPATCH_VERSION_PATCH 0

#define RELPATCH_VERSION \
    (RELPATCH_VERSION_MAJOR * 10000 + RELPATCH_VERSION_MINOR * 100 + RELPATCH_VERSION_PATCH)

#endif
