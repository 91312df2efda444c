# Copies the public headers into OUTPUT_DIR/tcpsim/, the layout they are installed in.
# In the source tree the project includes its own headers as "stack/..." and "sim/..."
# (relative to the top directory); installed, they live under include/tcpsim/ and are
# named <tcpsim/stack/...>, so each such include is rewritten on the way. Headers of the
# test-support kit are already written as <tcpsim/testing/...>.
#
#   cmake -DSOURCE_DIR=... -DOUTPUT_DIR=... -DWITH_TESTING=ON|OFF -P stage_headers.cmake
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE ${OUTPUT_DIR}/tcpsim)
file(GLOB_RECURSE headers RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/stack/*.hpp ${SOURCE_DIR}/sim/*.hpp)
set(kit_dir tests/testing/include)
if(WITH_TESTING)
  file(GLOB_RECURSE kit RELATIVE ${SOURCE_DIR}/${kit_dir} ${SOURCE_DIR}/${kit_dir}/tcpsim/*.hpp)
endif()
foreach(rel IN LISTS headers)
  file(READ ${SOURCE_DIR}/${rel} text)
  string(REGEX REPLACE "#include \"((stack|sim)/[^\"]+)\"" "#include <tcpsim/\\1>" text "${text}")
  file(WRITE ${OUTPUT_DIR}/tcpsim/${rel} "${text}")
endforeach()
foreach(rel IN LISTS kit)
  file(READ ${SOURCE_DIR}/${kit_dir}/${rel} text)
  string(REGEX REPLACE "#include \"((stack|sim)/[^\"]+)\"" "#include <tcpsim/\\1>" text "${text}")
  file(WRITE ${OUTPUT_DIR}/${rel} "${text}")
endforeach()
