# Install step (install(SCRIPT), after the programs are copied): each
# installed program in WARD_SPLIT_PROGRAMS loses its debug info and symbols,
# and the debug info goes to PREFIX/lib/debug/.build-id/XX/REST.debug, where
# gdb and debuginfod clients look it up by build id, with a .gnu_debuglink
# in the program naming it.  A program without debug info is only stripped.
# Inputs: WARD_SPLIT_PROGRAMS (names under PREFIX/bin), WARD_OBJCOPY,
# WARD_READELF.
set(prefix "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}")
foreach(name IN LISTS WARD_SPLIT_PROGRAMS)
  set(program "${prefix}/bin/${name}")
  if(NOT EXISTS "${program}")
    message(FATAL_ERROR "split debug info: ${program} was not installed")
  endif()
  execute_process(COMMAND "${WARD_READELF}" --wide --sections --notes "${program}"
                  OUTPUT_VARIABLE elf RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "split debug info: readelf ${program} failed")
  endif()
  if(NOT elf MATCHES "\\.debug_info")
    execute_process(COMMAND "${WARD_OBJCOPY}" --strip-all "${program}" RESULT_VARIABLE failed)
    if(failed)
      message(FATAL_ERROR "split debug info: strip ${program} failed")
    endif()
    continue()
  endif()
  if(NOT elf MATCHES "Build ID: ([0-9a-f][0-9a-f])([0-9a-f]+)")
    message(FATAL_ERROR "split debug info: ${program} has no build id (link with --build-id)")
  endif()
  set(debug_dir "${prefix}/lib/debug/.build-id/${CMAKE_MATCH_1}")
  set(debug_file "${debug_dir}/${CMAKE_MATCH_2}.debug")
  file(MAKE_DIRECTORY "${debug_dir}")
  message(STATUS "Debug info: ${debug_file}")
  execute_process(COMMAND "${WARD_OBJCOPY}" --only-keep-debug --compress-debug-sections=zlib
                          "${program}" "${debug_file}" RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "split debug info: objcopy --only-keep-debug ${program} failed")
  endif()
  file(CHMOD "${debug_file}" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  execute_process(COMMAND "${WARD_OBJCOPY}" --strip-all "--add-gnu-debuglink=${debug_file}" "${program}"
                  RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "split debug info: strip ${program} failed")
  endif()
  message(STATUS "Stripped: ${program}")
endforeach()
