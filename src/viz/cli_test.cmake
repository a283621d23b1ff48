# `synack draw` end to end (ctest: viz_cli_draw, label cli). Run with
#   cmake -DSYNACK=<path to synack> -DROOT=<repo root> -DTMP=<scratch dir> -P cli_test.cmake
# Re-draws the golden runs and checks the one-line errors and exit status.
set(golden ${ROOT}/tests/golden/viz)
file(MAKE_DIRECTORY ${TMP})

function(expect_same file_a file_b what)
  file(READ ${file_a} a)
  file(READ ${file_b} b)
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "${what}: ${file_a} differs from ${file_b}")
  endif()
endfunction()

# The saved JSON re-draws to the golden ladder, Mermaid and SVG, and re-saves identically.
foreach(run handshake-data-close lost-third-ack simultaneous-close)
  execute_process(COMMAND ${SYNACK} draw ${golden}/${run}.json --width 100 --color never
                  OUTPUT_FILE ${TMP}/${run}.txt RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "synack draw ${run}.json failed: ${rc}")
  endif()
  expect_same(${TMP}/${run}.txt ${golden}/${run}.txt "text")
  execute_process(COMMAND ${SYNACK} draw ${golden}/${run}.json --ascii -w 80 -o ${TMP}/${run}.ascii.txt
                  RESULT_VARIABLE rc)
  expect_same(${TMP}/${run}.ascii.txt ${golden}/${run}.ascii.txt "ascii")
  foreach(fmt mmd:mermaid svg:svg json:json)
    string(REPLACE ":" ";" pair ${fmt})
    list(GET pair 0 ext)
    list(GET pair 1 name)
    execute_process(COMMAND ${SYNACK} draw ${golden}/${run}.json -f ${name} -o ${TMP}/${run}.${ext}
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "synack draw -f ${name} failed: ${rc}")
    endif()
    expect_same(${TMP}/${run}.${ext} ${golden}/${run}.${ext} ${name})
  endforeach()
endforeach()

# Colour: never when NO_COLOR is set, even with output to a pipe (not a TTY anyway).
execute_process(COMMAND ${CMAKE_COMMAND} -E env NO_COLOR=1 ${SYNACK} draw ${golden}/lost-third-ack.json
                OUTPUT_VARIABLE out RESULT_VARIABLE rc)
string(ASCII 27 esc)
string(FIND "${out}" "${esc}" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "colour written with NO_COLOR set")
endif()

# Errors: one line naming the problem, exit status 1.
file(WRITE ${TMP}/bad.json "{\"format\": \"synack-run\", \"version\": 7}")
foreach(case "nonexistent.json;cannot open" "${TMP}/bad.json;version: unsupported 7"
        "${golden}/lost-third-ack.json -f png;unknown format \"png\"")
  list(GET case 0 args)
  list(GET case 1 want)
  separate_arguments(args)
  execute_process(COMMAND ${SYNACK} draw ${args} OUTPUT_VARIABLE out ERROR_VARIABLE err
                  RESULT_VARIABLE rc)
  if(rc EQUAL 0)
    message(FATAL_ERROR "synack draw ${args}: expected failure")
  endif()
  string(FIND "${err}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "synack draw ${args}: stderr \"${err}\" lacks \"${want}\"")
  endif()
  string(STRIP "${err}" err)
  string(FIND "${err}" "\n" nl)
  if(NOT nl EQUAL -1)
    message(FATAL_ERROR "synack draw ${args}: error is not one line: ${err}")
  endif()
endforeach()
message(STATUS "synack draw: all checks passed")
