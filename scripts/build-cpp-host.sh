#!/usr/bin/env bash
# Builds the C++ host of the Rust reference framework: a C++ program that
# links the Rust framework (embed/, a static library) together with
# libmesos, and also uses libmesos itself (see embed/README.md):
#
#   MESOS_HOME=/opt/mesos scripts/build-cpp-host.sh     # -> target/release/cpp-host
#   target/release/cpp-host 127.0.0.1:5050              # on a reserved cluster
#
# 1. cargo builds embed/ in release as libmesos_reference_c.a, against the
#    same libmesos (MESOS_HOME / MESOS_NATIVE_LIBRARY, as for any build);
# 2. rustc says which system libraries that static library needs
#    (--print native-static-libs);
# 3. g++ compiles embed/host/host.cpp against Mesos's headers and links it
#    with the static library, those system libraries and libmesos (with an
#    rpath), printing the link line.
set -euo pipefail
cd "$(dirname "$0")/.."

# find_mesos, mesos_cxx, mesos_link, cargo_target_dir, die
# shellcheck source=scripts/lib/mesos.sh
. scripts/lib/mesos.sh
find_mesos
[ -e "$prefix/include/stout/try.hpp" ] ||
  die "$prefix/include has no stout/libprocess headers (Mesos's --enable-install-module-dependencies)"

echo "build-cpp-host: building the Rust framework as a static library"
# The extra rustc argument rebuilds only this crate, so that rustc prints
# the native libraries again.
native=$(cargo rustc --release -p mesos-reference-c --lib --crate-type staticlib -- \
  --print native-static-libs 2>&1 | tee /dev/stderr |
  sed -n 's/.*native-static-libs: //p' | tail -n 1)
target_dir=$(cargo_target_dir)
library=$target_dir/release/libmesos_reference_c.a
[ -e "$library" ] || die "cargo did not produce $library"

echo "build-cpp-host: compiling embed/host/host.cpp"
host=$target_dir/release/cpp-host
mesos_cxx embed/host/host.cpp "$host.o" -Iembed/include
# The static library first, then what it needs: libmesos (the shim inside
# it calls libmesos) and rustc's list of system libraries.
# shellcheck disable=SC2086 # $native is a list of -l flags
mesos_link "$host" "$host.o" "$library" $native
echo "build-cpp-host: linked $host:"
echo "  ${CXX:-g++} $host.o $library $native -L$libdir -Wl,-rpath,$libdir -lmesos [-lprotobuf -lglog] -pthread"
