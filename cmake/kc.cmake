# One helper per target kind (after Abseil's absl_cc_library): every module is
# built with the same warnings and sanitizer flags, and its links are its
# allowed dependencies.

set(KC_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Werror)
set(KC_SANITIZER_FLAGS)
if(KC_SANITIZE)
  set(KC_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
                         -fno-omit-frame-pointer)
endif()

function(kc_apply_flags target)
  target_compile_options(${target} PRIVATE ${KC_WARNINGS} ${KC_SANITIZER_FLAGS})
  target_link_options(${target} PRIVATE ${KC_SANITIZER_FLAGS})
endfunction()

# kc_library(NAME name SRCS ... DEPS ...)
function(kc_library)
  cmake_parse_arguments(KC "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(kc_${KC_NAME} STATIC ${KC_SRCS})
  target_include_directories(kc_${KC_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(kc_${KC_NAME} PUBLIC ${KC_DEPS})
  target_compile_options(kc_${KC_NAME} PUBLIC ${KC_SANITIZER_FLAGS})
  target_link_options(kc_${KC_NAME} PUBLIC ${KC_SANITIZER_FLAGS})
  target_compile_options(kc_${KC_NAME} PRIVATE ${KC_WARNINGS})
endfunction()

# kc_test(NAME name SRCS ... DEPS ...): a GoogleTest binary registered with ctest.
function(kc_test)
  cmake_parse_arguments(KC "" "NAME" "SRCS;DEPS;ENV" ${ARGN})
  add_executable(${KC_NAME} ${KC_SRCS})
  target_link_libraries(${KC_NAME} PRIVATE ${KC_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  kc_apply_flags(${KC_NAME})
  add_test(NAME ${KC_NAME} COMMAND ${KC_NAME})
  if(KC_ENV)
    set_tests_properties(${KC_NAME} PROPERTIES ENVIRONMENT "${KC_ENV}")
  endif()
endfunction()

# kc_bench(NAME name SRCS ... DEPS ...): a Google Benchmark binary. Built in every
# configuration so it does not rot; never timed in CI.
function(kc_bench)
  cmake_parse_arguments(KC "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${KC_NAME} ${KC_SRCS})
  target_link_libraries(${KC_NAME} PRIVATE ${KC_DEPS} benchmark::benchmark)
  kc_apply_flags(${KC_NAME})
endfunction()

# kc_fuzzer(NAME name SRCS ... DEPS ... CORPUS dir): a libFuzzer target when
# KC_FUZZ is on. Its checked-in seed corpus always replays as a ctest test
# (through a small standalone driver when libFuzzer is not available).
function(kc_fuzzer)
  cmake_parse_arguments(KC "" "NAME;CORPUS" "SRCS;DEPS" ${ARGN})
  add_executable(${KC_NAME} ${KC_SRCS})
  target_link_libraries(${KC_NAME} PRIVATE ${KC_DEPS})
  kc_apply_flags(${KC_NAME})
  if(KC_FUZZ)
    target_compile_options(${KC_NAME} PRIVATE -fsanitize=fuzzer)
    target_link_options(${KC_NAME} PRIVATE -fsanitize=fuzzer)
    add_test(NAME ${KC_NAME}_corpus COMMAND ${KC_NAME} -runs=0 ${KC_CORPUS})
    # A short bounded run; new inputs go to a scratch folder, never the checked-in seeds.
    set(scratch ${CMAKE_BINARY_DIR}/fuzz-scratch/${KC_NAME})
    add_test(NAME ${KC_NAME}_short
             COMMAND sh -c "mkdir -p '${scratch}' && exec '$<TARGET_FILE:${KC_NAME}>' \
                 -max_total_time=15 -rss_limit_mb=2048 -timeout=5 '${scratch}' '${KC_CORPUS}'")
  else()
    target_sources(${KC_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/fuzz/standalone_main.cc)
    add_test(NAME ${KC_NAME}_corpus COMMAND ${KC_NAME} ${KC_CORPUS})
  endif()
endfunction()
