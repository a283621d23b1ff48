# The libraries an embedder links and how they are installed (docs/embedding.md).
#
#   libsynack (synack::synack): the public API (include/synack/, src/api) and
#   the layers under it (base, wire, tcp, stack, tun), SYNACK_PACKAGED_LAYERS
#   in cmake/synack.cmake. Built static (libsynack.a) and, with SYNACK_SHARED,
#   shared (libsynack.so.MAJOR.MINOR.PATCH, SONAME libsynack.so.MAJOR.MINOR:
#   while MAJOR is 0 a minor release may break the ABI). Its only dependency is
#   fmt, private (no public header includes it). The CLI, tests, benchmarks and
#   the internal layers (apps, sim, drill, viz, sha256: OpenSSL, CLI11,
#   nlohmann-json) are not part of it.
#
# `cmake --install <build> --prefix P` installs:
#   P/include/synack/...                  the public headers (include/) + version.hpp
#   P/lib/libsynack.{a,so*}               the libraries
#   P/lib/cmake/synack/                   find_package(synack 0.2 [COMPONENTS ...])
#   P/lib/pkgconfig/synack.pc             pkg-config
#   P/bin/synack                          the CLI (SYNACK_CLI)
#   P/share/doc/synack/                   LICENSE (Apache-2.0), README.md
#
# Components: `tun` (the TUN device and event loop) and `c` (the C API,
# <synack/synack.h>) are part of libsynack; `asio` (synack::asio, header-only
# over standalone Asio, which the consumer provides) is its own target. Another component (e.g. a header-only adapter or a separate library)
# joins the package by installing its target into the export set
# synack-targets (install(TARGETS t EXPORT synack-targets ...)) with
# EXPORT_NAME <component>: find_package(synack COMPONENTS <component>) then
# finds synack::<component>.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

configure_file(${PROJECT_SOURCE_DIR}/cmake/version.hpp.in
               ${PROJECT_BINARY_DIR}/include/synack/version.hpp @ONLY)

set(SYNACK_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
set(SYNACK_INSTALL_TARGETS "")

# synack_package_library(NAME EXPORT_NAME EXPORT [SOURCES ...])
#   NAME_lib (static) and NAME_shared from the objects of the layers packaged
#   into NAME, plus SOURCES; aliases synack::EXPORT_static / _shared.
function(synack_package_library name)
  cmake_parse_arguments(ARG "" "EXPORT" "SOURCES" ${ARGN})
  get_property(objects GLOBAL PROPERTY SYNACK_OBJECTS_${name})
  set(variants static)
  if(SYNACK_SHARED AND NOT SYNACK_FUZZ)
    list(APPEND variants shared)
  endif()
  foreach(variant ${variants})
    if(variant STREQUAL "static")
      set(t ${name}_lib)
      add_library(${t} STATIC ${ARG_SOURCES})
    else()
      set(t ${name}_shared)
      add_library(${t} SHARED ${ARG_SOURCES})
      set_target_properties(${t} PROPERTIES VERSION ${PROJECT_VERSION}
                                            SOVERSION ${SYNACK_SOVERSION})
      if(NOT SYNACK_SANITIZE)
        target_link_options(${t} PRIVATE "LINKER:--no-undefined")
      endif()
    endif()
    set_target_properties(${t} PROPERTIES OUTPUT_NAME ${name} EXPORT_NAME ${ARG_EXPORT}_${variant}
                                          POSITION_INDEPENDENT_CODE ON)
    foreach(o ${objects})
      target_sources(${t} PRIVATE $<TARGET_OBJECTS:${o}>)
    endforeach()
    target_include_directories(${t} PUBLIC
      $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
      $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    target_compile_features(${t} PUBLIC cxx_std_23)
    target_link_libraries(${t} PRIVATE fmt::fmt)
    if(SYNACK_SANITIZE)
      # A sanitized library needs the sanitizer runtimes in the program.
      target_link_options(${t} INTERFACE
                          $<INSTALL_INTERFACE:-fsanitize=address,undefined>)
    endif()
    add_library(synack::${ARG_EXPORT}_${variant} ALIAS ${t})
    list(APPEND SYNACK_INSTALL_TARGETS ${t})
  endforeach()
  set(SYNACK_INSTALL_TARGETS ${SYNACK_INSTALL_TARGETS} PARENT_SCOPE)
endfunction()

synack_package_library(synack EXPORT synack SOURCES ${PROJECT_SOURCE_DIR}/src/lib/version.cc)
# In-tree (add_subdirectory/FetchContent): the static library.
add_library(synack::synack ALIAS synack_lib)

if(NOT SYNACK_INSTALL)
  return()
endif()

# Headers: every public header under include/, and the generated version.hpp.
if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/include)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
          FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")
endif()
install(FILES ${PROJECT_BINARY_DIR}/include/synack/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/synack)

if(TARGET synack_asio)
  set_target_properties(synack_asio PROPERTIES EXPORT_NAME asio)
  list(APPEND SYNACK_INSTALL_TARGETS synack_asio)
endif()
install(TARGETS ${SYNACK_INSTALL_TARGETS} EXPORT synack-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET synack)
  install(TARGETS synack RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The CMake package: find_package(synack 0.2 REQUIRED [COMPONENTS tun]).
set(SYNACK_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/synack)
install(EXPORT synack-targets NAMESPACE synack:: FILE synackTargets.cmake
        DESTINATION ${SYNACK_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/synackConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/synackConfig.cmake
                              INSTALL_DESTINATION ${SYNACK_CMAKE_DIR})
# 0.x: only the same MAJOR.MINOR is compatible (0.2 accepts 0.2.x, not 0.3).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/synackConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/synackConfig.cmake
              ${PROJECT_BINARY_DIR}/synackConfigVersion.cmake
        DESTINATION ${SYNACK_CMAKE_DIR})

# pkg-config: synack.pc, relocatable through ${pcfiledir}.
set(SYNACK_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH SYNACK_PC_PREFIX /${SYNACK_PC_DIR} /)
string(REGEX REPLACE "/$" "" SYNACK_PC_PREFIX "${SYNACK_PC_PREFIX}")
set(SYNACK_PC_LIBS_EXTRA "")
if(SYNACK_SANITIZE)
  set(SYNACK_PC_LIBS_EXTRA " -fsanitize=address,undefined")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/synack.pc.in ${PROJECT_BINARY_DIR}/synack.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/synack.pc DESTINATION ${SYNACK_PC_DIR})
