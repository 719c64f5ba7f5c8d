# Strict warnings for our own code only; generated protobuf code is compiled without them.
function(ecocase_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()
