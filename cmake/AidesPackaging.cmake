# CPack settings: `cpack -G DEB` in the build directory makes aides_<version>_<arch>.deb of the
# tools, the library (static, with headers and package config) and the data, installed under /usr.
set(AIDES_PACKAGE_MAINTAINER "aides maintainers <maintainers@aides.invalid>" CACHE STRING
    "Maintainer field of the Debian package")

set(CPACK_PACKAGE_NAME aides)
set(CPACK_PACKAGE_VENDOR "aides")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Finds the grants, loans and engineering support that fit a French commune: its perimeter, \
audience, themes, aid types, deadlines and free French text. The package holds the tools \
aides-index and aides-search, the static C++ library with its headers and CMake package \
(find_package(aides), target aides::search), and the reference data in /usr/share/aides.")
set(CPACK_PACKAGE_CONTACT "${AIDES_PACKAGE_MAINTAINER}")
set(CPACK_STRIP_FILES ON)  # the debug info of a RelWithDebInfo build stays out of the package
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${AIDES_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The tools' run-time dependencies (Xapian, ICU, Boost.Program_options...) read by dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What a program built with find_package(aides) compiles and links against.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libxapian-dev, libicu-dev, nlohmann-json3-dev, zlib1g-dev, cmake, g++")

include(CPack)
