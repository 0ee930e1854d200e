# Install rules: headers, the exported relpatch::relpatch target, a package config file with
# its version file, the RapidJSON helper the config file needs, and relpatch.pc. relpatch is
# header-only, so everything goes to architecture-independent places.
include(CMakePackageConfigHelpers)

set(RELPATCH_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/relpatch"
    CACHE STRING "Where relpatchConfig.cmake is installed")
set(RELPATCH_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_DATADIR}/pkgconfig"
    CACHE STRING "Where relpatch.pc is installed")

install(DIRECTORY include/relpatch DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS relpatch EXPORT relpatchTargets)
install(EXPORT relpatchTargets NAMESPACE relpatch:: DESTINATION ${RELPATCH_INSTALL_CMAKEDIR})

configure_package_config_file(cmake/relpatchConfig.cmake.in
  "${PROJECT_BINARY_DIR}/relpatchConfig.cmake"
  INSTALL_DESTINATION ${RELPATCH_INSTALL_CMAKEDIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/relpatchConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES
  "${PROJECT_BINARY_DIR}/relpatchConfig.cmake"
  "${PROJECT_BINARY_DIR}/relpatchConfigVersion.cmake"
  cmake/relpatchFindRapidJSON.cmake
  DESTINATION ${RELPATCH_INSTALL_CMAKEDIR})

configure_file(cmake/relpatch.pc.in "${PROJECT_BINARY_DIR}/relpatch.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/relpatch.pc" DESTINATION ${RELPATCH_INSTALL_PKGCONFIGDIR})
