# shellcheck shell=bash
# Sourced by scripts/bench.sh and scripts/build-cpp-host.sh: where the
# installed Mesos is, and how to compile and link C++ against it.
#
#   find_mesos        sets prefix and libdir (from MESOS_NATIVE_LIBRARY,
#                     MESOS_HOME, or /opt/mesos, /usr/local, /usr), or
#                     dies saying what to set
#   mesos_cxx SRC OBJ [FLAGS...]
#                     compiles SRC with Mesos's headers (and libprocess's
#                     bundled ones, Debian's ZooKeeper header directory,
#                     MESOS_INCLUDE_DIRS) at -O3
#   mesos_link OUT INPUTS...
#                     links INPUTS (objects, libraries) with libmesos, an
#                     rpath to it, and the protobuf and glog libmesos was
#                     built with when it does not carry them itself
#   cargo_target_dir  prints cargo's target directory (CARGO_TARGET_DIR
#                     or the workspace's), where the built binaries are

die() { echo "${0##*/}: $*" >&2; exit 1; }

find_mesos() {
  if [ -n "${MESOS_NATIVE_LIBRARY:-}" ]; then
    libdir=$(dirname "$MESOS_NATIVE_LIBRARY")
    prefix=$(dirname "$libdir")
    return
  fi
  if [ -z "${MESOS_HOME:-}" ]; then
    local candidate
    for candidate in /opt/mesos /usr/local /usr; do
      if [ -e "$candidate/lib/libmesos.so" ]; then export MESOS_HOME=$candidate; break; fi
    done
  fi
  if [ -z "${MESOS_HOME:-}" ] || [ ! -e "$MESOS_HOME/lib/libmesos.so" ]; then
    die "libmesos not found; set MESOS_HOME=<prefix> or MESOS_NATIVE_LIBRARY=<path of libmesos.so>"
  fi
  prefix=$MESOS_HOME
  libdir=$prefix/lib
}

mesos_cxx() {
  local source=$1 object=$2 dir extra
  shift 2
  local includes=(-I"$prefix/include")
  [ -d "$libdir/mesos/3rdparty/include" ] && includes+=(-I"$libdir/mesos/3rdparty/include")
  [ -d /usr/include/zookeeper ] && includes+=(-I/usr/include/zookeeper)
  if [ -n "${MESOS_INCLUDE_DIRS:-}" ]; then
    IFS=: read -r -a extra <<<"$MESOS_INCLUDE_DIRS"
    for dir in "${extra[@]}"; do includes+=(-I"$dir"); done
  fi
  # shellcheck disable=SC2086 # BENCH_CXXFLAGS is a list of flags on purpose
  "${CXX:-g++}" -std=c++14 -O3 ${BENCH_CXXFLAGS:-} -D__STDC_FORMAT_MACROS -DPICOJSON_USE_INT64 \
    -Wno-deprecated-declarations "${includes[@]}" "$@" -c "$source" -o "$object"
}

mesos_link() {
  local out=$1
  shift
  try_link() { "${CXX:-g++}" "$@" -o "$out" -L"$libdir" -Wl,-rpath,"$libdir" -pthread 2>/dev/null; }
  try_link "$@" -lmesos || try_link "$@" -lmesos -lprotobuf ||
    try_link "$@" -lmesos -lprotobuf -lglog || {
    # Once more, to show the linker's complaint.
    "${CXX:-g++}" "$@" -o "$out" -L"$libdir" -Wl,-rpath,"$libdir" -lmesos -lprotobuf -lglog -pthread
    die "cannot link $out (see above)"
  }
}

cargo_target_dir() {
  cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p'
}
