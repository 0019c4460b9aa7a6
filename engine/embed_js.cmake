cmake_minimum_required(VERSION 3.25)
# Writes OUT: a C++ source defining `std::string_view FUNCTION()` (declared in HEADER) that returns
# the text of the JavaScript file IN, so the page script and the replay overlay are edited, linted
# and diffed as JavaScript yet carried inside the binary. The same idea as
# storage/embed_migrations.cmake for SQL. Invoked by engine/CMakeLists.txt (footfall_embed_js).
file(READ "${IN}" js)
string(FIND "${js}" ")ffjs\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )ffjs\"")
endif()
string(REGEX MATCH "^(.*)::([A-Za-z_0-9]+)$" _ "${FUNCTION}")
set(ns "${CMAKE_MATCH_1}")
set(fn "${CMAKE_MATCH_2}")
# The source named from the tree's root (engine/...): no absolute path in the generated text, so
# the same sources give the same object wherever they are built (ccache, scripts/setup.sh).
string(REGEX REPLACE "^.*/(engine/.*)$" "\\1" in_name "${IN}")
file(WRITE "${OUT}.tmp" "// Generated from ${in_name} by engine/embed_js.cmake. Do not edit.
#include \"${HEADER}\"

namespace ${ns} {
std::string_view ${fn}() {
  return R\"ffjs(${js})ffjs\";
}
}  // namespace ${ns}
")
# Only touch OUT when its content changes, so unrelated rebuilds stay incremental.
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
