# cmake -DIN=<text file> -DOUT=<.cc> -DSYMBOL=<name> -P embed_text.cmake
# Writes `extern const char SYMBOL[]` (NUL-terminated) holding the file's bytes as
# a byte list: a string literal would trip -Woverlength-strings under -Wpedantic.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(('[^']*',){24})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}.tmp"
     "// Generated from ${IN} by embed_text.cmake: do not edit.\n"
     "extern const char ${SYMBOL}[];\n"
     "const char ${SYMBOL}[] = {\n${bytes}'\\0'};\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
