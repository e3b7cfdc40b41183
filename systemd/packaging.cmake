# Install rules and the Debian package (CPack DEB).
#
#   cmake --install build --prefix /usr     # binary, unit, example config, docs
#   cpack --config build/CPackConfig.cmake  # build/rcvault_<version>_<arch>.deb
#
# Where things go (prefix /usr, as Debian expects):
#   /usr/bin/rcvault                        the daemon (daemon/CMakeLists.txt)
#   <systemd unit dir>/rcvault.service      pkg-config systemd's systemdsystemunitdir
#                                           (/lib/systemd/system on Debian 12)
#   /etc/rcvault/rcvault.toml               the example config, a dpkg conffile
#   /usr/share/doc/rcvault/                 README.md and docs/

# The unit directory: systemd's own answer when it is installed, else Debian 12's.
set(_rcvault_unit_dir "")
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_get_variable(_rcvault_unit_dir systemd systemdsystemunitdir)
endif()
if(NOT _rcvault_unit_dir)
  set(_rcvault_unit_dir "/lib/systemd/system")
endif()
set(RCVAULT_SYSTEMD_UNIT_DIR "${_rcvault_unit_dir}" CACHE PATH
    "Where the rcvault.service unit is installed")

# The unit and the example config are placed by systemd/install.cmake at
# install time, for the prefix the install is given: the unit's ExecStart and
# --config name what that same install put in place (prefix /usr: /usr/bin/rcvault
# and /etc/rcvault/rcvault.toml; /usr/local: /usr/local/bin, /usr/local/etc).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             "${PROJECT_SOURCE_DIR}/systemd/rcvault.service" "${PROJECT_SOURCE_DIR}/systemd/install.cmake")
install(CODE "
  set(RCVAULT_UNIT_SOURCE \"${PROJECT_SOURCE_DIR}/systemd/rcvault.service\")
  set(RCVAULT_CONFIG_SOURCE \"${PROJECT_SOURCE_DIR}/systemd/rcvault.toml\")
  set(RCVAULT_UNIT_STAGING \"${PROJECT_BINARY_DIR}/packaging/rcvault.service\")
  set(RCVAULT_SYSTEMD_UNIT_DIR \"${RCVAULT_SYSTEMD_UNIT_DIR}\")
  set(RCVAULT_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(RCVAULT_SYSCONFDIR \"${CMAKE_INSTALL_SYSCONFDIR}\")
  set(RCVAULT_DOCDIR \"${CMAKE_INSTALL_DOCDIR}\")
  include(\"${PROJECT_SOURCE_DIR}/systemd/install.cmake\")
" COMPONENT runtime)
install(FILES README.md DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT runtime)
install(DIRECTORY docs/ DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT runtime
        FILES_MATCHING PATTERN "*.md")

# --- CPack: one .deb -------------------------------------------------------
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "rcvault")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "rcvault")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "rcvault maintainers <rcvault@localhost>")
# A Debian package installs under /usr, whatever prefix the build was
# configured with: CPack runs the install with this prefix, so the unit names
# /usr/bin/rcvault and /etc/rcvault/rcvault.toml (systemd/install.cmake).
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")  # rcvault_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "RingCentral message-store webhook archive\n\
 rcvault receives RingCentral webhook notifications (SMS, MMS, pager,\n\
 voicemail, fax), keeps every one durably in SQLite, normalises it into\n\
 messages, parties and attachments, and serves a local HTTP query API.\n\
 It runs as the sandboxed systemd service rcvault.service.")
# Dependencies: dpkg-shlibdeps reads the libraries the binary links and
# declares their Debian 12 packages with minimum versions: libboost-json1.81.0,
# libfmt9, libsqlite3-0, libsystemd0, libtomlplusplus3, libstdc++6, libgcc-s1,
# libc6 (checked with dpkg -S on each linked .so; SQLiteCpp is a static
# library in Debian and CLI11 is header-only, so neither is a dependency).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The RingCentral API client verifies certificates against the system store (docs/sync.md).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "sqlite3, nginx | caddy")
# conffiles: dpkg keeps the admin's edits of /etc/rcvault/rcvault.toml on upgrade;
# the maintainer scripts reload systemd and restart a running service on upgrade.
file(GENERATE OUTPUT "${PROJECT_BINARY_DIR}/packaging/conffiles"
     CONTENT "/etc/rcvault/rcvault.toml\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_BINARY_DIR}/packaging/conffiles"
    "${PROJECT_SOURCE_DIR}/systemd/debian/postinst"
    "${PROJECT_SOURCE_DIR}/systemd/debian/prerm"
    "${PROJECT_SOURCE_DIR}/systemd/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
