# The Debian package atol-kkt (docs/packaging.md), built by scripts/package.sh: a Release build
# configured with -DATOL_KKT_DEBIAN_PACKAGE=ON -DCMAKE_INSTALL_PREFIX=/usr, packed by CPack's DEB
# generator. On top of what every install has (plugin/, prometheus/), the package installs
# the files Debian's monitoring packages look for, the documentation Debian requires, and the
# maintainer scripts.
if(NOT ATOL_KKT_DEBIAN_PACKAGE)
    return()
endif()
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    # The unit's ExecStart, the plugin link and GNUInstallDirs' /etc follow from the prefix.
    message(FATAL_ERROR "ATOL_KKT_DEBIAN_PACKAGE needs -DCMAKE_INSTALL_PREFIX=/usr")
endif()

set(share ${CMAKE_INSTALL_DATADIR}/atol-kkt)
set(doc ${CMAKE_INSTALL_DATADIR}/doc/atol-kkt)

# Every file under /etc is a conffile: installed by this function, which lists it in the
# package's conffiles too.
set(conffiles "")
function(atol_kkt_conffile source directory)
    install(FILES ${source} DESTINATION ${directory})
    get_filename_component(name ${source} NAME)
    set(conffiles "${conffiles}${directory}/${name}\n" PARENT_SCOPE)
endfunction()

# The plugin where Debian's monitoring-plugins, nagios4 and icinga2 look ($USER1$, PluginDir).
install(CODE "execute_process(COMMAND \${CMAKE_COMMAND} -E make_directory
    \"\$ENV{DESTDIR}/usr/lib/nagios/plugins\")
execute_process(COMMAND \${CMAKE_COMMAND} -E create_symlink ../../../bin/atol-kkt
    \"\$ENV{DESTDIR}/usr/lib/nagios/plugins/check_atol_kkt\")")
# Nagios 4 reads every file of this directory (cfg_dir= in Debian's nagios.cfg): the command
# definitions are there on install; its examples are comments.
atol_kkt_conffile(nagios/nagios/atol-kkt.cfg /etc/nagios-plugins/config)
# Icinga 2: a package cannot add to the ITL, so the admin includes this file with one line
# (nagios/README.md).
install(FILES nagios/icinga2/atol-kkt.conf DESTINATION ${share}/icinga2)
# The Zabbix agent's keys, active: they take the profile as their parameter, so the file needs
# no profile until a host links the template (docs/packaging.md, "Zabbix agent").
atol_kkt_conffile(zabbix/userparameter_atol_kkt.conf /etc/zabbix/zabbix_agentd.conf.d)
install(FILES zabbix/template_atol_kkt.yaml zabbix/template_atol_kkt_active.yaml
              zabbix/template_atol_kkt_trapper.yaml zabbix/template_atol_kkt_7.0.yaml
              zabbix/template_atol_kkt_active_7.0.yaml zabbix/template_atol_kkt_trapper_7.0.yaml
              zabbix/template_atol_kkt_hosts.yaml zabbix/template_atol_kkt_hosts_7.0.yaml
        DESTINATION ${share}/zabbix)
# A commented example profile, never a live one: its name is no profile name (--profile NAME
# reads NAME.conf).
atol_kkt_conffile(packaging/profile.conf.example /etc/atol-kkt)
# The parent of the checking users' caches (docs/packaging.md, "Cache directory").
install(DIRECTORY DESTINATION /var/cache/atol-kkt)

install(FILES packaging/copyright DESTINATION ${doc})
# The changelog and the manual pages go in gzip -9n'd by packaging/staging.cmake.
install(FILES packaging/changelog.in DESTINATION ${doc})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME atol-kkt)
set(CPACK_PACKAGE_CONTACT "atol-kkt-monitor maintainers <maintainers@users.noreply.r-seed-c71c714d.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "monitor ATOL Online cloud cash registers (Nagios, Icinga, Zabbix, Prometheus)")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "atol-kkt watches every ATOL Online cloud cash register (KKT) of an\n\
account and tells the monitoring systems which registers need a person:\n\
the fiscal storage expiring or filling up, documents unsent to the OFD,\n\
a shift open near 24 hours, a broken OFD link.\n\
It ships the Nagios plugin check_atol_kkt with Nagios 4 command\n\
definitions, an Icinga 2 CheckCommand, Zabbix agent keys and templates,\n\
and a Prometheus exporter with alerting rules and a Grafana dashboard.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://online.atol.ru")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Depends: dpkg-shlibdeps on the binary (libstdc++, libgcc and Boost are linked statically in a
# Release build, CMakeLists.txt), plus adduser for the exporter's system user (postinst) and
# libcurl4, which the binary loads when a run first sends a request (common/http.cpp), so
# dpkg-shlibdeps does not see it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, libcurl4 (>= 7.85)")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nagios4 | icinga2 | zabbix-agent | prometheus")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/packaging/conffiles CONTENT "${conffiles}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/packaging/conffiles)
foreach(script IN ITEMS postinst prerm postrm)
    list(APPEND CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_SOURCE_DIR}/packaging/${script})
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_SOURCE_DIR}/packaging/staging.cmake)
include(CPack)
