#!/bin/sh
# Doxygen input filter for include/taptalk.h (docs/Doxyfile): cbindgen writes the doc
# comments as `//` lines (documentation_style = "c99"); Doxygen reads `///` ones. Changing
# only what Doxygen sees keeps the committed header, and its ABI check, as they are.
exec sed -e 's#^\( *\)//\([^/]\)#\1///\2#' -e 's#^\( *\)//$#\1///#' "$1"
