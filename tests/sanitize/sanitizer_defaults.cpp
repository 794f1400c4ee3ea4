// Sanitizer settings compiled into every executable of a sanitizer build (ATOL_KKT_SANITIZE,
// see sanitize.cmake). The integration tests start atol-kkt and the emulator with a clean
// environment, so ASAN_OPTIONS would never reach them: the settings travel in the binaries.
// ASAN_OPTIONS / UBSAN_OPTIONS / LSAN_OPTIONS in the environment still override them.
//
// Every report goes to a file under ATOL_KKT_SANITIZER_LOG_DIR (build-asan/sanitizer-logs),
// so scripts/sanitize.sh sees findings of any process, also one whose exit status or stderr a
// test does not look at.

#define ATOL_KKT_REPORT_PATH ":log_path=" ATOL_KKT_SANITIZER_LOG_DIR "/report"

extern "C" {

const char* __asan_default_options() {
    // print_suppressions=0: a suppressed leak alone must not leave a report file behind.
    return "detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:"
           "check_initialization_order=1:strict_init_order=1:"
           "print_suppressions=0" ATOL_KKT_REPORT_PATH;
}

const char* __ubsan_default_options() {
    return "print_stacktrace=1:halt_on_error=1" ATOL_KKT_REPORT_PATH;
}

const char* __lsan_default_suppressions() {
    // glibc's setlocale() loses its copy of the LOCPATH search list (built with argz) when
    // LOCPATH is set; the locale tests set it to a de_DE locale they generate. Not our memory.
    return "leak:argz_add_sep\n";
}

}  // extern "C"
