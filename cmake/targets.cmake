# Helpers every CMakeLists.txt of the project uses to define its targets.
#
# Layers: common/ is the core; nagios/, zabbix/ and prometheus/ are front ends on it, never on
# each other; plugin/ is the program on all of them. Code includes a layer's header by its
# folder ("common/fleet.hpp"), so the include path decides what a layer can see. The repository
# root would show every folder; instead each layer has a directory in the build tree that holds
# only a link to its own folder, and a library passes that directory on (PUBLIC) to what links
# it. A front end links atol_common and so sees common/ and itself, but not another front end:
# `#include "nagios/check.hpp"` in common/ or zabbix/ does not compile (tests/structure/ tries).

# Every target: the project's compile and link settings (atol_build_flags, the root
# CMakeLists.txt), and ISO C++20 rather than GNU's dialect.
function(atol_kkt_target target)
    target_link_libraries(${target} PRIVATE atol_build_flags)
    set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
endfunction()

# Sets ${out_var} to ${PROJECT_BINARY_DIR}/include/LAYER, a directory holding only LAYER, a
# symbolic link to the source folder of that name.
function(atol_kkt_layer_include_dir layer out_var)
    set(dir ${PROJECT_BINARY_DIR}/include/${layer})
    file(MAKE_DIRECTORY ${dir})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${layer} ${dir}/${layer} SYMBOLIC)
    set(${out_var} ${dir} PARENT_SCOPE)
endfunction()

# atol_kkt_layer(LAYER SOURCES file.cpp... [DEPENDS library...]): the static library
# atol_LAYER from LAYER/'s sources, on DEPENDS (PUBLIC), with only LAYER/ on its own include
# path.
function(atol_kkt_layer layer)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;DEPENDS")
    add_library(atol_${layer} STATIC ${arg_SOURCES})
    atol_kkt_layer_include_dir(${layer} include_dir)
    target_include_directories(atol_${layer} PUBLIC ${include_dir})
    target_link_libraries(atol_${layer} PUBLIC ${arg_DEPENDS})
    atol_kkt_target(atol_${layer})
endfunction()
