# Writes a C++ source holding the OpenAPI document (run at build time by CMakeLists.txt).
# Usage: cmake -DIN=openapi.json -DOUT=openapi_document.cpp -P embed_openapi.cmake
file(READ "${IN}" content)
string(FIND "${content}" ")segnala_openapi\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "openapi.json contains the raw-string delimiter")
endif()
file(WRITE "${OUT}.tmp" "// Generated from src/api/openapi.json at build time: do not edit.
#include \"api/wire.hpp\"

namespace segnala::api {

std::string_view openapi_document() {
    static constexpr std::string_view kDocument = R\"segnala_openapi(${content})segnala_openapi\";
    return kDocument;
}

}  // namespace segnala::api
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
