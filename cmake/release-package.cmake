# The pkg-config and CMake package files of a release tarball (scripts/release.sh), from the
# same templates `cmake --install` uses, but relocatable: both find the prefix from where they
# lie, so the tarball works wherever it is unpacked.
#
#   cmake -DPREFIX_DIR=<unpacked tree> -DVERSION=0.1.0 -DSOVERSION=1 \
#         -DNATIVE_STATIC_LIBS="-lgcc_s -lutil ..." -P cmake/release-package.cmake
#
# taptalk.pc:           prefix=${pcfiledir}/../..  (pkg-config expands pcfiledir itself)
# taptalkConfig.cmake:  the prefix from CMAKE_CURRENT_LIST_DIR/../../.. (@PACKAGE_INIT@), as
#                       an install by CMakeLists.txt has it too.
cmake_minimum_required(VERSION 3.16)
foreach(var PREFIX_DIR VERSION SOVERSION NATIVE_STATIC_LIBS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "release-package.cmake needs -D${var}=...")
  endif()
endforeach()
include(CMakePackageConfigHelpers)

# The names the templates use, with the values CMakeLists.txt gives them.
set(PROJECT_VERSION "${VERSION}")
set(TAPTALK_SOVERSION "${SOVERSION}")
set(CMAKE_INSTALL_LIBDIR lib)
set(CMAKE_INSTALL_INCLUDEDIR include)
set(CMAKE_INSTALL_PREFIX "${PREFIX_DIR}")
set(TAPTALK_NATIVE_STATIC_LIBS "${NATIVE_STATIC_LIBS}")
string(REPLACE " " ";" _flags "${NATIVE_STATIC_LIBS}")
set(TAPTALK_NATIVE_STATIC_LIST "")
foreach(_flag IN LISTS _flags)
  string(REGEX REPLACE "^-l" "" _flag "${_flag}")
  list(APPEND TAPTALK_NATIVE_STATIC_LIST "${_flag}")
endforeach()
set(_here "${CMAKE_CURRENT_LIST_DIR}")

set(TAPTALK_PC_PREFIX "\${pcfiledir}/../..")
configure_file("${_here}/taptalk.pc.in" "${PREFIX_DIR}/lib/pkgconfig/taptalk.pc" @ONLY)

configure_package_config_file("${_here}/taptalkConfig.cmake.in"
  "${PREFIX_DIR}/lib/cmake/taptalk/taptalkConfig.cmake"
  INSTALL_DESTINATION lib/cmake/taptalk)
# 0.x releases may break between minor versions, as in CMakeLists.txt.
if(VERSION MATCHES "^0\\.")
  set(_compat SameMinorVersion)
else()
  set(_compat SameMajorVersion)
endif()
# Both release architectures are 64-bit; the version file refuses a 32-bit consumer.
set(CMAKE_SIZEOF_VOID_P 8)
write_basic_package_version_file("${PREFIX_DIR}/lib/cmake/taptalk/taptalkConfigVersion.cmake"
  VERSION "${VERSION}" COMPATIBILITY ${_compat})
