# The modules of libward, read from the table in docs/ARCHITECTURE.md (the
# single source of truth for the layering).  For each module with a folder
# under src/ this makes a static library ward_<id> (id: the module name with
# '/' as '_') that links the modules of its "may use" column, and gives it
# an include root that holds only its own headers and theirs, so that an
# include breaking the order fails to compile.
#
#   ward_read_modules()            sets WARD_MODULES and WARD_MODULE_USES_<id>
#   ward_add_modules(SOURCE_DIR)   creates the libraries and ward_all
#   ward_module_id(OUT NAME)       "runtime/child" -> "runtime_child"

function(ward_module_id out name)
  string(REPLACE "/" "_" id "${name}")
  set(${out} "${id}" PARENT_SCOPE)
endfunction()

function(ward_read_modules)
  set(table "${PROJECT_SOURCE_DIR}/docs/ARCHITECTURE.md")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${table}")
  file(STRINGS "${table}" rows REGEX "^\\| `[a-z/]+` \\|")
  set(modules "")
  foreach(row IN LISTS rows)
    # | `name` | purpose | `a`, `b` |
    string(REGEX MATCH "^\\| `([a-z/]+)` \\|[^|]*\\|([^|]*)\\|$" matched "${row}")
    if(NOT matched)
      message(FATAL_ERROR "docs/ARCHITECTURE.md: a module row must be | `name` | purpose | uses |: ${row}")
    endif()
    set(name "${CMAKE_MATCH_1}")
    string(REGEX MATCHALL "`[a-z/]+`" uses "${CMAKE_MATCH_2}")
    string(REPLACE "`" "" uses "${uses}")
    ward_module_id(id "${name}")
    list(APPEND modules "${name}")
    set(WARD_MODULE_USES_${id} "${uses}" PARENT_SCOPE)
  endforeach()
  set(WARD_MODULES "${modules}" PARENT_SCOPE)
endfunction()

# The include root of module `name`: a directory of symlinks to its own
# folder and the folders it may use, laid out as under src/.
function(ward_module_include_root out name uses source_dir)
  ward_module_id(id "${name}")
  set(root "${PROJECT_BINARY_DIR}/modules/${id}")
  file(REMOVE_RECURSE "${root}")
  set(visibles ${name} ${uses})
  list(SORT visibles)  # a module before the modules nested in it
  foreach(visible IN LISTS visibles)
    # Planned modules have no folder; a nested module is already visible
    # through its parent's link.
    if(NOT IS_DIRECTORY "${source_dir}/${visible}" OR EXISTS "${root}/${visible}")
      continue()
    endif()
    get_filename_component(parent "${root}/${visible}" DIRECTORY)
    file(MAKE_DIRECTORY "${parent}")
    file(CREATE_LINK "${source_dir}/${visible}" "${root}/${visible}" SYMBOLIC)
  endforeach()
  set(${out} "${root}" PARENT_SCOPE)
endfunction()

function(ward_add_modules source_dir)
  ward_read_modules()
  set(libraries "")
  foreach(name IN LISTS WARD_MODULES)
    ward_module_id(id "${name}")
    if(NOT IS_DIRECTORY "${source_dir}/${name}")
      continue()  # planned: no code yet
    endif()
    # Only the folder's own files: a nested module (runtime/child) is not
    # part of its parent (runtime).
    file(GLOB sources CONFIGURE_DEPENDS "${source_dir}/${name}/*.cc")
    if(name MATCHES "^cli/" AND NOT name STREQUAL "cli/core")
      continue()  # front ends are executables (src/CMakeLists.txt)
    endif()
    if(NOT sources)
      continue()  # only the parent folder of nested modules (engine/db)
    endif()
    add_library(ward_${id} STATIC ${sources})
    ward_module_include_root(root "${name}" "${WARD_MODULE_USES_${id}}" "${source_dir}")
    target_include_directories(ward_${id} PRIVATE "${root}")
    target_link_libraries(ward_${id} PUBLIC fmt::fmt-header-only)
    list(APPEND libraries ward_${id})
  endforeach()
  # Link each library to the ones it may use (all exist by now).
  foreach(library IN LISTS libraries)
    string(REGEX REPLACE "^ward_" "" id "${library}")
    ward_link_module_uses(${library} PUBLIC "${id}")
  endforeach()
  set(WARD_MODULE_LIBRARIES "${libraries}" PARENT_SCOPE)
  # Tests see the whole tree.
  add_library(ward_all INTERFACE)
  target_link_libraries(ward_all INTERFACE ${libraries})
  target_include_directories(ward_all INTERFACE "${source_dir}")
endfunction()

# Links `target` to the library of every module that module `id` may use
# (its row in docs/ARCHITECTURE.md); planned modules have no library yet.
function(ward_link_module_uses target visibility id)
  foreach(use IN LISTS WARD_MODULE_USES_${id})
    ward_module_id(use_id "${use}")
    if(TARGET ward_${use_id})
      target_link_libraries(${target} ${visibility} ward_${use_id})
    endif()
  endforeach()
endfunction()

# A front end: an executable from src/<name>/*.cc with the module's include
# root and links.
function(ward_add_front_end target name source_dir)
  ward_read_modules()
  ward_module_id(id "${name}")
  file(GLOB sources CONFIGURE_DEPENDS "${source_dir}/${name}/*.cc")
  add_executable(${target} ${sources})
  ward_module_include_root(root "${name}" "${WARD_MODULE_USES_${id}}" "${source_dir}")
  target_include_directories(${target} PRIVATE "${root}")
  ward_link_module_uses(${target} PRIVATE "${id}")
endfunction()
