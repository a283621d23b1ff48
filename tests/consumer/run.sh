#!/usr/bin/env bash
# Builds and runs programs against an INSTALLED synack, as an embedder would
# (ctest consumer_*; see tests/consumer/CMakeLists.txt).
#
# Usage: run.sh install  BUILD_DIR WORK_DIR   cmake --install BUILD_DIR into WORK_DIR/prefix
#        run.sh headers  SOURCE_DIR WORK_DIR  every installed header compiles on its own
#        run.sh cmake    SOURCE_DIR WORK_DIR  find_package(synack 0.2 COMPONENTS tun) project
#        run.sh make     SOURCE_DIR WORK_DIR  Makefile + pkg-config project
#        run.sh examples SOURCE_DIR WORK_DIR  examples/ as a standalone project, built and run
#        run.sh subdir   SOURCE_DIR WORK_DIR  add_subdirectory(SOURCE_DIR): the library alone
# CXX (default g++) is the consumer's compiler. Exits non-zero on the first failure.
set -euo pipefail
step=$1 dir=$2 work=$3
prefix=$work/prefix
cxx=${CXX:-g++}
here=$(cd "$(dirname "$0")" && pwd)

configure_and_build() {  # SRC BUILD [cmake args...]
  local src=$1 build=$2
  shift 2
  rm -rf "$build"
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
        -DCMAKE_PREFIX_PATH="$prefix" "$@" >"$build.log" 2>&1 ||
    { cat "$build.log"; return 1; }
  cmake --build "$build" >>"$build.log" 2>&1 || { cat "$build.log"; return 1; }
}

case $step in
  install)
    rm -rf "$prefix"
    cmake --install "$dir" --prefix "$prefix" >"$work/install.log"
    (cd "$prefix" && find . \( -type f -o -type l \) | sort)
    ;;
  headers)
    # Public headers must not need anything outside the installed include/.
    # C headers (*.h) also compile as C11. ASIO_STANDALONE: as synack::asio defines.
    n=0
    while IFS= read -r h; do
      rel=${h#"$prefix/include/"}
      printf '#include <%s>\n' "$rel" |
        "$cxx" -std=c++23 -fsyntax-only -Wall -Wextra -Werror -DASIO_STANDALONE \
          -I "$prefix/include" -x c++ -
      if [[ $h == *.h ]]; then
        printf '#include <%s>\n' "$rel" |
          "${CC:-gcc}" -std=c11 -pedantic -fsyntax-only -Wall -Wextra -Werror \
            -I "$prefix/include" -x c -
      fi
      n=$((n + 1))
    done < <(find "$prefix/include" -name '*.hpp' -o -name '*.h' | sort)
    ((n > 0)) || { echo "no installed headers" >&2; exit 1; }
    echo "$n installed headers compile on their own"
    ;;
  cmake)
    configure_and_build "$here/cmake_project" "$work/cmake_project"
    for exe in consumer consumer_static consumer_tun; do "$work/cmake_project/$exe"; done
    # Refused: a version the package is not compatible with, an unknown component.
    for args in "-DWANT=0.3" "-DWANT=0.2 -DCOMPONENT=no_such_component"; do
      mkdir -p "$work/refuse"
      printf '%s\n' 'cmake_minimum_required(VERSION 3.25)' 'project(refuse LANGUAGES CXX)' \
        'find_package(synack ${WANT} REQUIRED COMPONENTS ${COMPONENT})' >"$work/refuse/CMakeLists.txt"
      # shellcheck disable=SC2086
      if configure_and_build "$work/refuse" "$work/refuse/build" $args >/dev/null; then
        echo "find_package(synack) accepted $args" >&2
        exit 1
      fi
    done
    echo "find_package(synack) refuses 0.3 and unknown components"
    ;;
  make)
    rm -rf "$work/make_project" && mkdir -p "$work/make_project"
    PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name synack.pc | head -n1)") \
      make -s -C "$work/make_project" -f "$here/make_project/Makefile" \
      CXX="$cxx" SRC="$here/consumer.cc" check
    ;;
  examples)
    if [[ ! -f $dir/examples/CMakeLists.txt ]]; then
      echo "SKIP consumer_examples: no examples/CMakeLists.txt yet"
      exit 0
    fi
    configure_and_build "$dir/examples" "$work/examples"
    echo "examples/ built against the installed tree; running them:"
    ctest --test-dir "$work/examples" --output-on-failure
    ;;
  subdir)
    configure_and_build "$here/subdir_project" "$work/subdir_project" -DSYNACK_SOURCE_DIR="$dir"
    "$work/subdir_project/consumer"
    ;;
  *)
    echo "run.sh: unknown step '$step'" >&2
    exit 2
    ;;
esac
