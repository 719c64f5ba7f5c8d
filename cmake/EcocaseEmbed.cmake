# ecocase_embed_files(<target> <function_name> <files...>)
# Compiles the given files into <target> as
#   std::span<const ecocase::common::EmbeddedFile> <function_name>();
# in namespace ecocase::embedded, sorted by file name. The .cc is regenerated whenever a
# file changes, so the binary always carries the files it was built from.
set(ECOCASE_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_files.cmake)

function(ecocase_embed_files target function_name)
  set(files ${ARGN})
  list(SORT files)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${function_name}.cc)
  string(REPLACE ";" "|" files_arg "${files}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DFUNCTION=${function_name}
            "-DFILES=${files_arg}" -P ${ECOCASE_EMBED_SCRIPT}
    DEPENDS ${files} ${ECOCASE_EMBED_SCRIPT}
    COMMENT "Embedding ${function_name}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
