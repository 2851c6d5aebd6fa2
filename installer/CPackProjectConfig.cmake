# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE).
if(CPACK_GENERATOR STREQUAL "DEB")
    # The .deb also gets the files with absolute paths (/etc/tenantdesk, /lib/systemd/system).
    # DESTDIR keeps them inside the package's staging tree instead of the build machine's /etc.
    list(GET CPACK_INSTALL_CMAKE_PROJECTS 0 binary_dir)
    list(APPEND CPACK_INSTALL_CMAKE_PROJECTS "${binary_dir}" "TenantDesk" "System" "/")
    set(CPACK_SET_DESTDIR ON)
    set(CPACK_INSTALL_PREFIX /usr)
endif()
