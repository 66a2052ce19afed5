#!/usr/bin/env bash
# The reference example end to end, in one command: build it against the
# installed libmesos, start a four-agent loopback cluster, reserve it, run
# the framework (cargo run --example main), then stop the cluster even if
# something failed (the next `up` starts from clean work dirs). With
# `--api v1` it runs `main_v1` instead: the same scenario on the v1 API,
# with operation feedback.
#
#   MESOS_HOME=/opt/mesos scripts/run-example.sh [--api v0|v1] [extra flags for the example]
set -euo pipefail
cd "$(dirname "$0")/.."

example=main
if [ "${1:-}" = "--api" ]; then
  case "${2:-}" in
    v0) example=main ;;
    v1) example=main_v1 ;;
    *) echo "run-example: --api takes v0 or v1, not '${2:-}'" >&2; exit 2 ;;
  esac
  shift 2
fi

if [ -z "${MESOS_NATIVE_LIBRARY:-}" ] && [ -z "${MESOS_HOME:-}" ]; then
  for prefix in /opt/mesos /usr/local /usr; do
    if [ -e "$prefix/lib/libmesos.so" ]; then export MESOS_HOME=$prefix; break; fi
  done
fi
[ -n "${MESOS_NATIVE_LIBRARY:-}${MESOS_HOME:-}" ] ||
  { echo "run-example: libmesos not found; set MESOS_HOME=<prefix> or MESOS_NATIVE_LIBRARY" >&2; exit 2; }

cargo build --examples
export MESOS_CLUSTER_DIR=${MESOS_CLUSTER_DIR:-/tmp/mesos-rs-cluster}
scripts/local-cluster.sh up
trap 'scripts/local-cluster.sh down' EXIT
cargo run --example reserve_cluster
cargo run --example "$example" -- "$@"
