/* The shared library's only C translation unit: libtaptalk.so is libtaptalk.a (the Rust
 * core, linked whole) behind cmake/taptalk.map. CMake needs one source to make a library. */
typedef int taptalk_so_has_no_c_code;
