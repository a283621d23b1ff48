# Helpers shared by every layer: one library target per layer, tests beside code.

# Layers compiled into the installed libraries (cmake/package.cmake), as
# layer=library. The others (apps, sim, drill, viz, ...) are internal static
# libraries for the CLI, tests and benchmarks; they are never installed.
set(SYNACK_PACKAGED_LAYERS base=synack wire=synack tcp=synack stack=synack tun=synack api=synack)

# synack_library(NAME SOURCES ... DEPS ...)
#   Declares the layer library synack_NAME (alias synack::NAME). Headers live
#   beside the sources and are included as "NAME/file.hpp" from src/.
#   A packaged layer (SYNACK_PACKAGED_LAYERS) is an object library synack_NAME
#   whose objects cmake/package.cmake puts into the installed library; its
#   alias synack::NAME names a small interface target that carries the layer's
#   usage requirements and links that library, so in-tree targets link exactly
#   what an embedder links (one copy of every object).
function(synack_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  set(package "")
  set(packaged_layers "")
  foreach(entry ${SYNACK_PACKAGED_LAYERS})
    string(REGEX REPLACE "=.*" "" layer "${entry}")
    list(APPEND packaged_layers ${layer})
    if(layer STREQUAL name)
      string(REGEX REPLACE ".*=" "" package "${entry}")
    endif()
  endforeach()
  if(ARG_SOURCES AND package)
    # Object libraries take the other packaged layers' usage requirements only.
    set(deps "")
    foreach(dep ${ARG_DEPS})
      if(dep MATCHES "^synack::(.+)$" AND CMAKE_MATCH_1 IN_LIST packaged_layers)
        set(dep synack_${CMAKE_MATCH_1})
      endif()
      list(APPEND deps ${dep})
    endforeach()
    add_library(synack_${name} OBJECT ${ARG_SOURCES})
    set_target_properties(synack_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    target_include_directories(synack_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(synack_${name} PUBLIC ${deps})
    # LINK_ONLY: in-tree users see the layer's own headers (src/), not the
    # package's include directories (those come with synack::synack).
    add_library(synack_${name}_link INTERFACE)
    target_link_libraries(synack_${name}_link INTERFACE synack_${name} $<LINK_ONLY:${package}_lib>)
    set_property(GLOBAL APPEND PROPERTY SYNACK_OBJECTS_${package} synack_${name})
    add_library(synack::${name} ALIAS synack_${name}_link)
    return()
  elseif(ARG_SOURCES)
    add_library(synack_${name} STATIC ${ARG_SOURCES})
    target_include_directories(synack_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(synack_${name} PUBLIC ${ARG_DEPS})
  else()
    add_library(synack_${name} INTERFACE)
    target_include_directories(synack_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(synack_${name} INTERFACE ${ARG_DEPS})
  endif()
  add_library(synack::${name} ALIAS synack_${name})
endfunction()

# synack_test(NAME SOURCES ... DEPS ... [LABELS ...])
#   A GoogleTest binary whose cases are registered with ctest one by one.
function(synack_test name)
  if(NOT SYNACK_TESTS OR SYNACK_FUZZ)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main rapidcheck)
  set(labels unit ${ARG_LABELS})
  gtest_discover_tests(${name} PROPERTIES LABELS "${labels}"
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} DISCOVERY_TIMEOUT 60)
  # gtest_discover_tests flattens PROPERTIES, so LABELS above keeps only "unit".
  # Set the full list from the discovered ${name}_TESTS once they are known.
  set(label_file "${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake")
  # Label slow: multi-GiB transfers under ASan; 600 s (the ci preset's default)
  # is too tight when the machine is shared, so they get 1500 s.
  set(props "LABELS \"${labels}\"")
  if("slow" IN_LIST ARG_LABELS)
    string(APPEND props " TIMEOUT 1500")
  endif()
  file(WRITE "${label_file}" "if(${name}_TESTS)\n  set_tests_properties(\${${name}_TESTS} "
                             "PROPERTIES ${props})\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${label_file}")
endfunction()
