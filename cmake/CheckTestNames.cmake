# Fails when a Catch test name holds a ';'. catch_discover_tests hands the
# name to CMake, where ';' separates list items: ctest then runs the test with
# the name cut at the ';', which matches no test, and Catch, having run
# nothing, exits 0. Eight tests never ran that way.
#   cmake -DTEST_DIR=tests -P CheckTestNames.cmake
file(GLOB_RECURSE sources ${TEST_DIR}/*.cpp)
set(bad "")
foreach(source IN LISTS sources)
  file(STRINGS ${source} lines REGEX "TEST_CASE\\(\"")
  foreach(line IN LISTS lines)
    # A quote, then a ; before the next quote: inside the name.
    if(line MATCHES "TEST_CASE\\(\"[^\"]*;")
      list(APPEND bad "${source}: ${line}")
    endif()
  endforeach()
endforeach()
if(bad)
  list(JOIN bad "\n" text)
  message(FATAL_ERROR "Test names must not contain ';' (ctest would run nothing):\n${text}")
endif()
