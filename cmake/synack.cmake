# Helpers shared by every layer: one library target per layer, tests beside code.

# synack_library(NAME SOURCES ... DEPS ...)
#   Declares the layer library synack_NAME (alias synack::NAME). Headers live
#   beside the sources and are included as "NAME/file.hpp" from src/.
function(synack_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  if(ARG_SOURCES)
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
  file(WRITE "${label_file}" "if(${name}_TESTS)\n  set_tests_properties(\${${name}_TESTS} "
                             "PROPERTIES LABELS \"${labels}\")\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${label_file}")
endfunction()
