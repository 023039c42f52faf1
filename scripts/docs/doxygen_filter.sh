#!/bin/sh
# Doxygen input filter for include/taptalk.h (docs/Doxyfile): cbindgen writes the doc
# comments as `//` lines (documentation_style = "c99"); Doxygen reads `///` ones. And a
# `<word>` in those comments (`<Unix ms>`, `<new>`) is a placeholder, not an HTML tag:
# written as `&lt;` (outside quotes, which Doxygen leaves alone) it shows as written. Changing only what Doxygen sees keeps the committed
# header, and its ABI check, as they are.
exec sed -e 's#^\( *\)//\([^/]\)#\1///\2#' -e 's#^\( *\)//$#\1///#' \
  -e '/^ *\/\/\//s#\([^"]\)<\([A-Za-z]\)#\1\&lt;\2#g' "$1"
