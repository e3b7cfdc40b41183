# Run by `cmake --install` (install(CODE) in systemd/packaging.cmake), not at
# configure time: the unit and the example config are placed for the prefix
# given to the install (`cmake --install build --prefix /usr`), so the unit's
# ExecStart, --config and Documentation= name the files this same install put
# in place, whatever prefix the build was configured with.
#
# Set by the caller: RCVAULT_UNIT_SOURCE (systemd/rcvault.service),
# RCVAULT_CONFIG_SOURCE (systemd/rcvault.toml), RCVAULT_UNIT_STAGING (a file in
# the build dir), RCVAULT_SYSTEMD_UNIT_DIR, RCVAULT_BINDIR, RCVAULT_SYSCONFDIR,
# RCVAULT_DOCDIR (GNUInstallDirs' values, relative to the prefix unless the
# builder made them absolute). CMAKE_INSTALL_PREFIX is the install's prefix.

# GNUInstallDirs' rule for a full path, applied to the install-time prefix:
# the configuration of a /usr install lives in /etc, of /opt/X in /etc/opt/X.
function(rcvault_full_dir out dir kind)
  if(IS_ABSOLUTE "${dir}")
    set(full "${dir}")
  elseif(kind STREQUAL "sysconf" AND CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(full "/${dir}")
  elseif(kind STREQUAL "sysconf" AND CMAKE_INSTALL_PREFIX MATCHES "^/opt/")
    set(full "/${dir}${CMAKE_INSTALL_PREFIX}")
  else()
    set(full "${CMAKE_INSTALL_PREFIX}/${dir}")
  endif()
  string(REGEX REPLACE "/+" "/" full "${full}")
  set(${out} "${full}" PARENT_SCOPE)
endfunction()

rcvault_full_dir(_bindir "${RCVAULT_BINDIR}" bin)
rcvault_full_dir(_configdir "${RCVAULT_SYSCONFDIR}/rcvault" sysconf)
rcvault_full_dir(_docdir "${RCVAULT_DOCDIR}" doc)

# The unit in the repository names the Debian paths (prefix /usr).
file(READ "${RCVAULT_UNIT_SOURCE}" _unit)
string(REPLACE "/usr/bin/rcvault" "${_bindir}/rcvault" _unit "${_unit}")
string(REPLACE "/etc/rcvault/rcvault.toml" "${_configdir}/rcvault.toml" _unit "${_unit}")
string(REPLACE "file:///usr/share/doc/rcvault/" "file://${_docdir}/" _unit "${_unit}")
get_filename_component(_staging_dir "${RCVAULT_UNIT_STAGING}" DIRECTORY)
file(MAKE_DIRECTORY "${_staging_dir}")
file(WRITE "${RCVAULT_UNIT_STAGING}" "${_unit}")

# file(INSTALL) honours DESTDIR and lists the files in install_manifest.txt
# (and in CPack's package), like the install() rules around it.
file(INSTALL DESTINATION "${RCVAULT_SYSTEMD_UNIT_DIR}" TYPE FILE FILES "${RCVAULT_UNIT_STAGING}")
file(INSTALL DESTINATION "${_configdir}" TYPE FILE FILES "${RCVAULT_CONFIG_SOURCE}")
