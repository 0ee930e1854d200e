# Defines the imported target relpatch::rapidjson carrying RapidJSON's include directory. Used
# by relpatch's own build and by the installed relpatchConfig.cmake.
#
# Debian's RapidJSONConfig.cmake only sets RAPIDJSON_INCLUDE_DIRS (no target); other
# distributions ship a RapidJSON target or only a pkg-config file; accept all three. An
# imported target's include directories are SYSTEM for its consumers, so RapidJSON's own
# warnings never meet their -Werror.
if(TARGET relpatch::rapidjson)
  return()
endif()

find_package(RapidJSON CONFIG QUIET)
set(_relpatch_rapidjson_dirs "")
if(RapidJSON_FOUND)
  if(RAPIDJSON_INCLUDE_DIRS)
    set(_relpatch_rapidjson_dirs ${RAPIDJSON_INCLUDE_DIRS})
  elseif(RapidJSON_INCLUDE_DIRS)
    set(_relpatch_rapidjson_dirs ${RapidJSON_INCLUDE_DIRS})
  elseif(TARGET RapidJSON)
    get_target_property(_relpatch_rapidjson_dirs RapidJSON INTERFACE_INCLUDE_DIRECTORIES)
  endif()
endif()
if(NOT _relpatch_rapidjson_dirs)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(RELPATCH_PC_RAPIDJSON QUIET RapidJSON)
    if(RELPATCH_PC_RAPIDJSON_FOUND)
      set(_relpatch_rapidjson_dirs ${RELPATCH_PC_RAPIDJSON_INCLUDE_DIRS})
    endif()
  endif()
endif()
if(NOT _relpatch_rapidjson_dirs)
  find_path(RELPATCH_RAPIDJSON_INCLUDE_DIR rapidjson/document.h)
  if(RELPATCH_RAPIDJSON_INCLUDE_DIR)
    set(_relpatch_rapidjson_dirs ${RELPATCH_RAPIDJSON_INCLUDE_DIR})
  endif()
endif()
if(NOT _relpatch_rapidjson_dirs AND NOT RELPATCH_PC_RAPIDJSON_FOUND)
  set(_relpatch_message "relpatch needs RapidJSON (Debian: apt-get install rapidjson-dev)")
  if(CMAKE_FIND_PACKAGE_NAME STREQUAL "relpatch")
    set(relpatch_FOUND FALSE)
    set(relpatch_NOT_FOUND_MESSAGE "${_relpatch_message}")
    return()
  endif()
  message(FATAL_ERROR "${_relpatch_message}")
endif()

add_library(relpatch::rapidjson INTERFACE IMPORTED GLOBAL)
if(_relpatch_rapidjson_dirs)
  set_target_properties(relpatch::rapidjson PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_relpatch_rapidjson_dirs}")
endif()
