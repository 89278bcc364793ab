# Warnings and sanitizers per target, never as global flags.
add_library(aides_build_flags INTERFACE)
target_compile_options(aides_build_flags INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(AIDES_SANITIZE)
  target_compile_options(aides_build_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(aides_build_flags INTERFACE -fsanitize=address,undefined)
endif()
