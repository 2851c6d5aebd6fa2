# Generates one demo database with tenantctl: cmake -DTENANTCTL=... -DOUTPUT=... -DARGUMENTS=... -P
get_filename_component(folder "${OUTPUT}" DIRECTORY)
file(MAKE_DIRECTORY "${folder}")
file(REMOVE "${OUTPUT}" "${OUTPUT}-wal" "${OUTPUT}-shm")
execute_process(COMMAND "${TENANTCTL}" --database "${OUTPUT}" demo ${ARGUMENTS}
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    file(REMOVE "${OUTPUT}")
    message(FATAL_ERROR "tenantctl demo failed with ${result}")
endif()
