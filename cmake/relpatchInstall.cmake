include(CMakePackageConfigHelpers)

install(DIRECTORY include/relpatch DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
