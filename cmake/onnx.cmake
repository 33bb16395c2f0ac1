# ONNX protobuf bindings, generated at build time: protoc-c compiles the
# onnx.proto that Debian's libonnx-dev ships into the build tree, and the
# generated .c joins the deepmad library.  Nothing generated is committed.
# Needs: protobuf-c-compiler, libprotobuf-c-dev, libonnx-dev.

find_program(DM_PROTOC_C protoc-c REQUIRED)
pkg_check_modules(PROTOBUF_C REQUIRED IMPORTED_TARGET libprotobuf-c)
set(DM_ONNX_PROTO /usr/include/onnx/onnx.proto CACHE FILEPATH
    "onnx.proto to generate the ONNX bindings from (Debian: libonnx-dev)")
if(NOT EXISTS ${DM_ONNX_PROTO})
  message(FATAL_ERROR "onnx.proto not found at ${DM_ONNX_PROTO}: install libonnx-dev "
                      "or set DM_ONNX_PROTO")
endif()

get_filename_component(DM_ONNX_PROTO_DIR ${DM_ONNX_PROTO} DIRECTORY)
set(DM_ONNX_GEN_DIR ${CMAKE_BINARY_DIR}/generated/onnx)
set(DM_ONNX_GEN_C ${DM_ONNX_GEN_DIR}/onnx.pb-c.c)
set(DM_ONNX_GEN_H ${DM_ONNX_GEN_DIR}/onnx.pb-c.h)
file(MAKE_DIRECTORY ${DM_ONNX_GEN_DIR})
add_custom_command(
  OUTPUT ${DM_ONNX_GEN_C} ${DM_ONNX_GEN_H}
  COMMAND ${DM_PROTOC_C} --c_out=${DM_ONNX_GEN_DIR} -I${DM_ONNX_PROTO_DIR} ${DM_ONNX_PROTO}
  DEPENDS ${DM_ONNX_PROTO}
  COMMENT "Generating ONNX protobuf-c bindings from ${DM_ONNX_PROTO}")

# Generated code is not ours to fix: compile it without our warning flags.
set_source_files_properties(${DM_ONNX_GEN_C} PROPERTIES GENERATED TRUE COMPILE_OPTIONS "-w")
target_sources(dm_export PRIVATE ${DM_ONNX_GEN_C} ${DM_ONNX_GEN_H})
target_include_directories(dm_export PRIVATE ${DM_ONNX_GEN_DIR})
target_link_libraries(dm_export PRIVATE PkgConfig::PROTOBUF_C)
target_link_libraries(deepmad PUBLIC PkgConfig::PROTOBUF_C)
