# Install rules, as fmt ships them: the library as the exported target aides::search with its
# public headers and a package config (find_package(aides)), the tools, and the reference data
# in ${CMAKE_INSTALL_DATADIR}/aides, where the library finds it relative to the running program.
include(CMakePackageConfigHelpers)

set(AIDES_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/aides")

install(TARGETS aides_search EXPORT aidesTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
# Stripping (`cmake --install --strip`, CPACK_STRIP_FILES) leaves static libraries alone: the
# library's debug info (about 70 MB of a RelWithDebInfo build) is removed here, its symbols kept.
if(CMAKE_STRIP)
  install(CODE "if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug
      \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:aides_search>\" COMMAND_ERROR_IS_FATAL ANY)
  endif()")
endif()
install(DIRECTORY libsearch/include/aides DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(FILES "${AIDES_GENERATED_INCLUDE_DIR}/aides/version.hpp" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/aides)

# The static library's link interface names Xapian::Xapian, ICU::uc... (LINK_ONLY): the config
# finds them again, Xapian with our own find module, installed beside it.
install(EXPORT aidesTargets NAMESPACE aides:: FILE aidesTargets.cmake DESTINATION ${AIDES_CMAKE_DIR})
configure_package_config_file(cmake/aidesConfig.cmake.in "${CMAKE_CURRENT_BINARY_DIR}/aidesConfig.cmake"
  INSTALL_DESTINATION ${AIDES_CMAKE_DIR})
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/aidesConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/aidesConfig.cmake" "${CMAKE_CURRENT_BINARY_DIR}/aidesConfigVersion.cmake"
  cmake/FindXapian.cmake DESTINATION ${AIDES_CMAKE_DIR})

if(AIDES_BUILD_TOOLS)
  install(TARGETS aides-index aides-search aides-geo-convert RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  if(TARGET aides-serve)
    install(TARGETS aides-serve RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endif()

# The data: what a fresh index stores (taxonomy, synonyms, geography when it was fetched), the
# record schema, the portals, the ad-hoc lists and the sample catalogue.
set(AIDES_INSTALL_DATA_DIR "${CMAKE_INSTALL_DATADIR}/aides")
install(FILES ${AIDES_CORPUS_DIR}/taxonomy.json ${AIDES_CORPUS_DIR}/synonyms.txt ${AIDES_CORPUS_DIR}/aid.schema.json
  ${AIDES_CORPUS_DIR}/aides.jsonl DESTINATION ${AIDES_INSTALL_DATA_DIR})
install(DIRECTORY ${AIDES_CORPUS_DIR}/portals ${AIDES_CORPUS_DIR}/adhoc DESTINATION ${AIDES_INSTALL_DATA_DIR})
install(FILES ${AIDES_GEOGRAPHY_DIR}/geography.tsv DESTINATION ${AIDES_INSTALL_DATA_DIR} OPTIONAL)
