# What a fuzz target needs, whether built for libFuzzer (fuzz/) or as a replay test
# (tests/reliability/): the library, and where the bundled corpus and the geography are.
function(aides_fuzz_target_setup target)
  target_link_libraries(${target} PRIVATE aides::search)
  target_compile_definitions(${target} PRIVATE
    AIDES_FUZZ_CORPUS_DIR="${AIDES_CORPUS_DIR}"
    AIDES_FUZZ_GEOGRAPHY_FILE="${AIDES_GEOGRAPHY_DIR}/geography.tsv")
endfunction()
