# CPACK_PRE_BUILD_SCRIPTS of the Debian package (packaging/debian.cmake), run in the staging
# directory after the install and before the archive is made:
# - the changelog's newest entry gets the package's version (CPACK_PACKAGE_VERSION: the
#   project's, or scripts/package.sh's PACKAGE_VERSION), so the version is written once;
# - Debian wants the manual pages and the changelog gzip'd with -9n (no name, no time stamp:
#   the same bytes on every build).
set(doc "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/usr/share/doc/atol-kkt")
configure_file("${doc}/changelog.in" "${doc}/changelog" @ONLY)
file(REMOVE "${doc}/changelog.in")
file(GLOB to_compress "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/usr/share/man/man1/*.1")
foreach(file IN LISTS to_compress ITEMS "${doc}/changelog")
    execute_process(COMMAND gzip -9n "${file}" COMMAND_ERROR_IS_FATAL ANY)
endforeach()
