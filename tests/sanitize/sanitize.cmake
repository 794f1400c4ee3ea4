# Included by the root CMakeLists.txt after every target exists, in a sanitizer build that is
# not the fuzz build (libFuzzer reports on its own stderr): adds sanitizer_defaults.cpp to every
# executable, so processes started with a clean environment report too.
set(ATOL_KKT_SANITIZER_LOG_DIR ${PROJECT_BINARY_DIR}/sanitizer-logs)
file(MAKE_DIRECTORY ${ATOL_KKT_SANITIZER_LOG_DIR})

set(ATOL_KKT_SANITIZER_DEFAULTS ${CMAKE_CURRENT_LIST_DIR}/sanitizer_defaults.cpp)

function(atol_kkt_add_sanitizer_defaults directory)
    # Source properties are per directory: set where the targets using the file are.
    set_source_files_properties(${ATOL_KKT_SANITIZER_DEFAULTS} DIRECTORY ${directory} PROPERTIES
        COMPILE_DEFINITIONS ATOL_KKT_SANITIZER_LOG_DIR="${ATOL_KKT_SANITIZER_LOG_DIR}")
    get_property(targets DIRECTORY ${directory} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(target IN LISTS targets)
        get_target_property(type ${target} TYPE)
        if(type STREQUAL "EXECUTABLE")
            target_sources(${target} PRIVATE ${ATOL_KKT_SANITIZER_DEFAULTS})
        endif()
    endforeach()
    get_property(subdirectories DIRECTORY ${directory} PROPERTY SUBDIRECTORIES)
    foreach(subdirectory IN LISTS subdirectories)
        atol_kkt_add_sanitizer_defaults(${subdirectory})
    endforeach()
endfunction()

atol_kkt_add_sanitizer_defaults(${PROJECT_SOURCE_DIR})
