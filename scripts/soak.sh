#!/usr/bin/env bash
# A chaos soak, opt-in and bounded: a framework that keeps short tasks
# running (tools/src/bin/soak_framework.rs, on the binding's failover and
# reconciliation helpers; partition-aware) on a cluster of 3 masters
# (ZooKeeper) and 4 agents, while every 20-60 s, at random, a fault hits
# it and is undone: one of an agent, the leading master, an executor or
# the scheduler process itself is killed (and started again; the
# scheduler fails over to its framework id), or, with --hosts, a link is
# cut and healed.
#
#   MESOS_HOME=/opt/mesos scripts/soak.sh --minutes 10 [--api v0|v1] [--standby] [--hosts]
#
# --api picks the framework's driver: v0's MesosSchedulerDriver (default)
# or the v1 scheduler library. --standby runs two scheduler instances in a
# ZooKeeper leader election (mesos::election): killing the scheduler kills
# the leader, the standby takes over, and the restarted one stands by.
# --hosts runs it all on the multi-host testbed (docs/testbed.md; needs
# root) instead of loopback: every master, agent, ZooKeeper and the
# scheduler on a host of its own, and the faults also cut links, healed
# after 5-40 s: scheduler <-> masters, masters -> scheduler only, an agent
# <-> masters, an agent -> masters only, the leading master <-> ZooKeeper
# (scripts/lib/soak-hosts.sh). Whatever happens, the testbed is torn down
# at the end (`testbed down`, `testbed sweep`).
#
# At the end the framework drains (launches nothing more, waits for its
# tasks to end) and the soak prints, from the framework's ledger: tasks
# launched, finished, failed, lost; tasks that were unreachable, and how
# many of those came back; tasks whose final state the framework never
# learned (must be 0); tasks running twice (must be 0); tasks told one end
# and then another (must be 0); framework ids seen (must be 1); the
# scheduler's RSS at start and end; each fault, how long it held, and how
# long until the framework was whole again (a task launched after the
# fault began running). Exits 1 when an invariant breaks (3 when --hosts
# cannot run here: not root, a tool missing).
#
# Settings (environment): SOAK_DIR (/tmp/mesos-rs-soak, or
# /tmp/mesos-rs-soak-hosts), SOAK_TASKS (4), SOAK_SEED ($RANDOM: the
# faults' order), SOAK_FAULTS (the kinds to draw from, by default all:
# agent master executor scheduler, and with --hosts cut-scheduler
# cut-masters-scheduler cut-agent cut-agent-masters cut-leader-zookeeper),
# SOAK_RECOVERY_TIMEOUT (180 s), SOAK_CUT_MIN and SOAK_CUT_MAX (5 and
# 40 s, --hosts). On loopback: ports 17050/17060/17070
# (masters), 17051-17054 (agents), 17181 (ZooKeeper); with --hosts,
# addresses in 10.231.0.0/16 inside network namespaces only.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=
api=v0
standby=0
hosts=0
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) minutes=${2:?--minutes needs a number}; shift 2 ;;
    --api) api=${2:?--api needs v0 or v1}; shift 2 ;;
    --standby) standby=1; shift ;;
    --hosts) hosts=1; shift ;;
    -h | --help) sed -n '2,44p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
case $api in v0 | v1) ;; *) echo "soak: --api takes v0 or v1, not $api" >&2; exit 2 ;; esac
if ! [[ $minutes =~ ^[0-9]+$ ]] || [ "$minutes" -eq 0 ]; then
  echo "soak: --minutes N is required (a whole number of minutes)" >&2
  exit 2
fi

# find_mesos, cargo_target_dir, die
# shellcheck source=scripts/lib/mesos.sh
. scripts/lib/mesos.sh
# recovered_after, ledger_report
# shellcheck source=scripts/lib/soak-ledger.sh
. scripts/lib/soak-ledger.sh
# soak_cluster_up, soak_cluster_down, soak_faults, soak_inject, soak_revive
if [ "$hosts" = 1 ]; then
  # shellcheck source=scripts/lib/soak-hosts.sh
  . scripts/lib/soak-hosts.sh
  dir=${SOAK_DIR:-/tmp/mesos-rs-soak-hosts}
else
  # shellcheck source=scripts/lib/soak-loopback.sh
  . scripts/lib/soak-loopback.sh
  dir=${SOAK_DIR:-/tmp/mesos-rs-soak}
fi
find_mesos

tasks=${SOAK_TASKS:-4}
seed=${SOAK_SEED:-$RANDOM}
RANDOM=$seed
recovery_timeout=${SOAK_RECOVERY_TIMEOUT:-180}
work=$dir/framework
ledger=$work/ledger
faults=$dir/faults

packages=(-p mesos-tools --bin soak_framework)
[ "$hosts" = 1 ] && packages+=(-p mesos-testbed --bin testbed)
echo "soak: building the soak framework (release)"
cargo build --release "${packages[@]}"
target_dir=$(cargo_target_dir)
framework_bin=$target_dir/release/soak_framework

# Every framework instance alive (one, or with --standby two), as the
# jobs this shell started: on loopback the framework itself, with --hosts
# the `testbed exec` running it on the scheduler host (its only child).
framework_jobs=()
cleanup() {
  local job child
  for job in ${framework_jobs[@]+"${framework_jobs[@]}"}; do
    for child in $(ps -o pid= --ppid "$job" 2>/dev/null || true); do kill -9 "$child" 2>/dev/null || true; done
    kill -9 "$job" 2>/dev/null || true
  done
  soak_cluster_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A testbed an earlier run left (killed before its trap ran) goes first.
soak_cluster_down
rm -rf "$dir"
mkdir -p "$work"
: >"$faults"
soak_cluster_up
election=()
if [ "$standby" = 1 ]; then election=(--leader-election "$election_zk/soak/leader"); fi

now_ms() { date +%s%3N; }
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null || echo 0; }

start_framework() {
  GLOG_minloglevel=1 ${framework_runner[@]+"${framework_runner[@]}"} "$framework_bin" \
    --master "$master_url" --work-dir "$work" --tasks "$tasks" --api "$api" \
    ${election[@]+"${election[@]}"} </dev/null >>"$dir/framework.log" 2>&1 &
  framework_jobs+=("$!")
}

# The instance that leads: the last to write "started" in the ledger (an
# instance standing by writes nothing until it leads).
leading_pid() { awk '$2 == "started" { pid = substr($3, 5) } END { print pid }' "$ledger"; }

# The job running framework process $1: itself, or its parent.
job_of() {
  local job
  for job in "${framework_jobs[@]}"; do [ "$job" = "$1" ] && echo "$job" && return; done
  ps -o ppid= -p "$1" 2>/dev/null | tr -d ' '
}

# Forgets job $1, which ended.
forget_job() {
  local job alive=()
  for job in "${framework_jobs[@]}"; do [ "$job" = "$1" ] || alive+=("$job"); done
  framework_jobs=(${alive[@]+"${alive[@]}"})
}

start_framework
sleep 15
if [ "$standby" = 1 ]; then start_framework; sleep 5; fi
framework_pid=$(leading_pid)
[ -n "$framework_pid" ] || die "the framework did not start (see $dir/framework.log)"
rss_start=$(rss_kb "$framework_pid")
echo "soak: framework up (pid $framework_pid leads, RSS $rss_start kB; jobs ${framework_jobs[*]}); chaos for $minutes min"

start=$SECONDS
end=$((SECONDS + minutes * 60))
# A line a minute while nothing happens, so a long run shows it is alive.
progress() {
  local launched
  launched=$(awk '$2 == "launched"' "$ledger" 2>/dev/null | wc -l)
  echo "soak: $(((SECONDS - start) / 60)) of $minutes min, $(wc -l <"$faults") faults, ${launched:-0} tasks launched"
}
fault_kinds=("${soak_faults[@]}" scheduler)
if [ -n "${SOAK_FAULTS:-}" ]; then
  read -r -a wanted <<<"$SOAK_FAULTS"
  [ ${#wanted[@]} -gt 0 ] || die "SOAK_FAULTS names no fault (there are: ${fault_kinds[*]})"
  for kind in "${wanted[@]}"; do
    [[ " ${fault_kinds[*]} " == *" $kind "* ]] || die "SOAK_FAULTS: no fault $kind here (there are: ${fault_kinds[*]})"
  done
  fault_kinds=("${wanted[@]}")
fi
while [ $SECONDS -lt $end ]; do
  pause=$((20 + RANDOM % 41))
  while ((pause > 0)) && [ $SECONDS -lt $end ]; do
    step=$((pause < 60 ? pause : 60))
    sleep "$step"
    pause=$((pause - step))
    ((pause == 0)) || progress
  done
  [ $SECONDS -lt $end ] || break
  kind=${fault_kinds[RANDOM % ${#fault_kinds[@]}]}
  at=$(now_ms)
  if [ "$kind" = scheduler ]; then
    framework_pid=$(leading_pid)
    fault_name="kill scheduler pid $framework_pid"
    fault_held=2
    job=$(job_of "$framework_pid")
    kill -9 "$framework_pid" 2>/dev/null || true
    wait "$job" 2>/dev/null || true
    forget_job "$job"
    sleep 2
    start_framework
  else
    soak_inject "$kind"
    # Nothing to hit (no leader for a while, say): still start again
    # whatever an earlier fault left dead.
    [ -n "$fault_name" ] || { soak_revive; continue; }
  fi
  soak_revive
  took=$(recovered_after "$at")
  echo "$at $kind $took $fault_held $fault_name" >>"$faults"
  echo "soak: $fault_name, held ${fault_held} s; whole again after ${took} ms"
  soak_revive
  progress
done

framework_pid=$(leading_pid)
rss_end=$(rss_kb "$framework_pid")
echo "soak: draining (no more launches; waiting for every task to end)"
touch "$work/drain"
for job in "${framework_jobs[@]}"; do
  for _ in $(seq 1 360); do kill -0 "$job" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$job" 2>/dev/null && echo "soak: framework job $job did not drain within 180 s" >&2
done

# --- the ledger -----------------------------------------------------------------
echo
mode=$api
if [ "$hosts" = 1 ]; then mode="$mode, across hosts"; fi
if [ "$standby" = 1 ]; then mode="$mode, with a standby"; fi
echo "soak ($mode): $minutes min, $(wc -l <"$faults") faults, seed $seed; ledger $ledger"
invariants=ok
ledger_report "$ledger" "$faults" || invariants=broken
echo
echo "scheduler RSS: $rss_start kB at start, $rss_end kB at the end (last process)"
if [ "$hosts" = 1 ]; then echo "daemons started again after a fault left them dead: $revived"; fi
if [ "$invariants" != ok ]; then
  echo "soak: an invariant broke (see above)" >&2
  exit 1
fi
echo "soak: every invariant held"
