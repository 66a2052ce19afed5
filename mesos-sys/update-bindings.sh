#!/bin/sh
# Regenerate src/bindings.rs from wrapper/mesos_shim.h. Needs libclang
# (Debian: libclang-dev). The generator is the freshness test itself, so the
# committed file and the check can never disagree about bindgen's settings.
set -eu
cd "$(dirname "$0")"
MESOS_SYS_UPDATE_BINDINGS=1 MESOS_TEST_REQUIRE=1 \
  cargo test --test bindings_fresh -- --nocapture
