# Defines the imported target relpatch::rapidjson carrying RapidJSON's include directory. Used
# by relpatch's own build and by the installed relpatchConfig.cmake, where it runs in the
# consumer's project, so the consumer's choice of RapidJSON decides. In this order:
#   1. RELPATCH_RAPIDJSON_INCLUDE_DIR, when set: the folder holding rapidjson/document.h.
#   2. RapidJSON's headers in the consumer's own search paths: CMAKE_PREFIX_PATH and
#      CMAKE_INCLUDE_PATH (as CMake or environment variables) and RapidJSON_ROOT. A vcpkg or
#      Conan tree, or a bare include/ such as third_party/rapidjson-24b5e7a, has no config file
#      CMake would prefer, and without this step Debian's /usr/lib/cmake/RapidJSON would win.
#   3. A RapidJSON package config file: Debian's only sets RAPIDJSON_INCLUDE_DIRS, others set
#      RapidJSON_INCLUDE_DIRS or define a target. RapidJSON_DIR chooses one.
#   4. pkg-config's RapidJSON.pc, then the headers in the system's include paths.
# An imported target's include directories are SYSTEM for its consumers, so RapidJSON's own
# warnings never meet their -Werror.
if(TARGET relpatch::rapidjson)
  return()
endif()

set(RELPATCH_RAPIDJSON_INCLUDE_DIR "" CACHE PATH
  "RapidJSON include folder (the one holding rapidjson/document.h); empty: search for it")

# Stops with ${_relpatch_message}: within find_package(relpatch), relpatch is then not found
# (return() in a macro leaves the file that calls it, this one); anywhere else, an error.
macro(_relpatch_rapidjson_not_found)
  if(CMAKE_FIND_PACKAGE_NAME STREQUAL "relpatch")
    set(relpatch_FOUND FALSE)
    set(relpatch_NOT_FOUND_MESSAGE "${_relpatch_message}")
    return()
  endif()
  message(FATAL_ERROR "${_relpatch_message}")
endmacro()

set(_relpatch_rapidjson_dirs "")
set(_relpatch_rapidjson_how "")
if(RELPATCH_RAPIDJSON_INCLUDE_DIR)
  if(NOT EXISTS "${RELPATCH_RAPIDJSON_INCLUDE_DIR}/rapidjson/document.h")
    set(_relpatch_message "RELPATCH_RAPIDJSON_INCLUDE_DIR (${RELPATCH_RAPIDJSON_INCLUDE_DIR}) has no rapidjson/document.h")
    _relpatch_rapidjson_not_found()
  endif()
  set(_relpatch_rapidjson_dirs "${RELPATCH_RAPIDJSON_INCLUDE_DIR}")
  set(_relpatch_rapidjson_how "RELPATCH_RAPIDJSON_INCLUDE_DIR")
endif()

if(NOT _relpatch_rapidjson_dirs)
  # Searched again at every configure (not cached), so a changed CMAKE_PREFIX_PATH counts.
  unset(_relpatch_rapidjson_user_dir)
  unset(_relpatch_rapidjson_user_dir CACHE)
  find_path(_relpatch_rapidjson_user_dir rapidjson/document.h
    HINTS ${RapidJSON_ROOT} ENV RapidJSON_ROOT
    PATH_SUFFIXES include
    NO_CMAKE_SYSTEM_PATH NO_SYSTEM_ENVIRONMENT_PATH)
  if(_relpatch_rapidjson_user_dir)
    set(_relpatch_rapidjson_dirs "${_relpatch_rapidjson_user_dir}")
    set(_relpatch_rapidjson_how "CMAKE_PREFIX_PATH/CMAKE_INCLUDE_PATH")
  endif()
  unset(_relpatch_rapidjson_user_dir CACHE)
endif()

if(NOT _relpatch_rapidjson_dirs)
  find_package(RapidJSON CONFIG QUIET)
  if(RapidJSON_FOUND)
    if(RAPIDJSON_INCLUDE_DIRS)
      set(_relpatch_rapidjson_dirs ${RAPIDJSON_INCLUDE_DIRS})
    elseif(RapidJSON_INCLUDE_DIRS)
      set(_relpatch_rapidjson_dirs ${RapidJSON_INCLUDE_DIRS})
    elseif(TARGET RapidJSON)
      get_target_property(_relpatch_rapidjson_dirs RapidJSON INTERFACE_INCLUDE_DIRECTORIES)
    elseif(TARGET rapidjson)
      get_target_property(_relpatch_rapidjson_dirs rapidjson INTERFACE_INCLUDE_DIRECTORIES)
    endif()
    set(_relpatch_rapidjson_how "${RapidJSON_DIR}")
  endif()
endif()

if(NOT _relpatch_rapidjson_dirs)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(RELPATCH_PC_RAPIDJSON QUIET RapidJSON)
    if(RELPATCH_PC_RAPIDJSON_FOUND)
      set(_relpatch_rapidjson_dirs ${RELPATCH_PC_RAPIDJSON_INCLUDE_DIRS})
      set(_relpatch_rapidjson_how "pkg-config")
    endif()
  endif()
endif()

if(NOT _relpatch_rapidjson_dirs AND NOT RELPATCH_PC_RAPIDJSON_FOUND)
  unset(_relpatch_rapidjson_system_dir)
  unset(_relpatch_rapidjson_system_dir CACHE)
  find_path(_relpatch_rapidjson_system_dir rapidjson/document.h)
  if(_relpatch_rapidjson_system_dir)
    set(_relpatch_rapidjson_dirs "${_relpatch_rapidjson_system_dir}")
    set(_relpatch_rapidjson_how "system include path")
  endif()
  unset(_relpatch_rapidjson_system_dir CACHE)
endif()

if(NOT _relpatch_rapidjson_dirs AND NOT RELPATCH_PC_RAPIDJSON_FOUND)
  set(_relpatch_message "relpatch needs RapidJSON (Debian: apt-get install rapidjson-dev), or RELPATCH_RAPIDJSON_INCLUDE_DIR")
  _relpatch_rapidjson_not_found()
endif()

if(NOT relpatch_FIND_QUIETLY)
  if(NOT _relpatch_rapidjson_dirs)
    set(_relpatch_rapidjson_dirs_text "the compiler's default include path")
  else()
    set(_relpatch_rapidjson_dirs_text "${_relpatch_rapidjson_dirs}")
  endif()
  message(STATUS "relpatch: RapidJSON from ${_relpatch_rapidjson_dirs_text} (${_relpatch_rapidjson_how})")
endif()
add_library(relpatch::rapidjson INTERFACE IMPORTED GLOBAL)
if(_relpatch_rapidjson_dirs)
  set_target_properties(relpatch::rapidjson PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_relpatch_rapidjson_dirs}")
endif()
