cmake_minimum_required(VERSION 3.25)  # script mode: enables IN_LIST (CMP0057)
# Writes OUT: a C++ source holding every DIR/NNNN_name.sql as a string, so the footfall binary
# carries its schema (runs from any cwd and in the container). Invoked by storage/CMakeLists.txt.
file(GLOB files "${DIR}/*.sql")
list(SORT files)
set(body "")
set(seen "")
foreach(f ${files})
  get_filename_component(name ${f} NAME_WE)
  string(REGEX MATCH "^[0-9]+" version "${name}")
  if(version STREQUAL "")
    message(FATAL_ERROR "migration ${f}: name must start with its number (NNNN_name.sql)")
  endif()
  math(EXPR version "${version}")
  # Two files with one number would both run, and the second would fail in schema_migrations:
  # refuse at build time instead.
  if(version IN_LIST seen)
    message(FATAL_ERROR "migration ${f}: number ${version} is used by another migration file")
  endif()
  list(APPEND seen ${version})
  file(READ ${f} sql)
  string(FIND "${sql}" ")ffsql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "migration ${f} contains the raw-string delimiter )ffsql\"")
  endif()
  string(APPEND body "    {${version}, \"${name}\", R\"ffsql(${sql})ffsql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from storage/migrations/*.sql by storage/embed_migrations.cmake. Do not edit.
#include \"storage/migrations.hpp\"

namespace footfall::storage::detail {
std::vector<migration> embedded_migration_files() {
  return {
${body}  };
}
}  // namespace footfall::storage::detail
")
# Only touch OUT when its content changes, so unrelated rebuilds stay incremental.
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
