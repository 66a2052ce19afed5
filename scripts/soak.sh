#!/usr/bin/env bash
# A chaos soak, opt-in and bounded: a framework that keeps short tasks
# running (tools/src/bin/soak_framework.rs, on the binding's failover and
# reconciliation helpers) on a loopback cluster of 3 masters (ZooKeeper)
# and 4 agents, while every 20-60 s, at random, one of an agent, the
# leading master, an executor or the scheduler process itself is killed
# (and started again; the scheduler fails over to its framework id).
#
#   MESOS_HOME=/opt/mesos scripts/soak.sh --minutes 10 [--api v0|v1] [--standby]
#
# --api picks the framework's driver: v0's MesosSchedulerDriver (default)
# or the v1 scheduler library. --standby runs two scheduler instances in a
# ZooKeeper leader election (mesos::election): killing the scheduler kills
# the leader, the standby takes over, and the restarted one stands by.
#
# At the end the framework drains (launches nothing more, waits for its
# tasks to end) and the soak prints, from the framework's ledger: tasks
# launched, finished, failed, lost; tasks whose final state the framework
# never learned (must be 0); tasks running twice (must be 0); framework
# ids seen (must be 1); the scheduler's RSS at start and end; each kill
# and how long until the framework was whole again (a task launched after
# the kill running). Exits 1 when an invariant breaks.
#
# Settings (environment): SOAK_DIR (/tmp/mesos-rs-soak), SOAK_TASKS (4),
# SOAK_SEED ($RANDOM: the kills' order), SOAK_RECOVERY_TIMEOUT (180 s),
# ports 17050/17060/17070 (masters), 17051-17054 (agents), 17181 (ZooKeeper).
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=
api=v0
standby=0
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) minutes=${2:?--minutes needs a number}; shift 2 ;;
    --api) api=${2:?--api needs v0 or v1}; shift 2 ;;
    --standby) standby=1; shift ;;
    -h | --help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
# zookeeper_up, zookeeper_down
# shellcheck source=scripts/lib/zookeeper.sh
. scripts/lib/zookeeper.sh
find_mesos

dir=${SOAK_DIR:-/tmp/mesos-rs-soak}
tasks=${SOAK_TASKS:-4}
seed=${SOAK_SEED:-$RANDOM}
RANDOM=$seed
recovery_timeout=${SOAK_RECOVERY_TIMEOUT:-180}
zk_port=17181
work=$dir/framework
ledger=$work/ledger
kills=$dir/kills
export MESOS_CLUSTER_DIR=$dir/cluster MESOS_AGENTS=4 MESOS_MASTER_PORT=17050 \
  MESOS_AGENT_BASE_PORT=17051 MESOS_EXTRA_MASTER_PORTS="17060 17070" \
  MESOS_ZK=zk://127.0.0.1:$zk_port/mesos \
  MESOS_MASTER_FLAGS="--agent_ping_timeout=1secs --max_agent_ping_timeouts=5"
cluster=scripts/local-cluster.sh

echo "soak: building the soak framework (release)"
cargo build --release -p mesos-tools --bin soak_framework
target_dir=$(cargo_target_dir)
framework_bin=$target_dir/release/soak_framework

# Every framework instance alive: one, or with --standby two.
framework_pids=()
election=()
if [ "$standby" = 1 ]; then election=(--leader-election "127.0.0.1:$zk_port/soak/leader"); fi
cleanup() {
  local pid
  for pid in ${framework_pids[@]+"${framework_pids[@]}"}; do kill -9 "$pid" 2>/dev/null || true; done
  "$cluster" down >/dev/null 2>&1 || true
  zookeeper_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$dir"
mkdir -p "$work"
: >"$kills"
zookeeper_up "$dir/zookeeper" "$zk_port" || die "the soak needs ZooKeeper"
"$cluster" up

now_ms() { date +%s%3N; }
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null || echo 0; }

start_framework() {
  GLOG_minloglevel=1 "$framework_bin" --master "$MESOS_ZK" --work-dir "$work" --tasks "$tasks" --api "$api" \
    ${election[@]+"${election[@]}"} >>"$dir/framework.log" 2>&1 &
  framework_pids+=("$!")
}

# The instance that leads: the last to write "started" in the ledger (an
# instance standing by writes nothing until it leads).
leading_pid() { awk '$2 == "started" { pid = substr($3, 5) } END { print pid }' "$ledger"; }

# Forgets instance $1, which was killed.
forget_framework() {
  local pid alive=()
  for pid in "${framework_pids[@]}"; do [ "$pid" = "$1" ] || alive+=("$pid"); done
  framework_pids=(${alive[@]+"${alive[@]}"})
}

# The leading master's daemon name (master, master1, master2): any master
# answers /redirect with the leader's address (a non-leading one redirects
# every other endpoint, so its /master/state would say nothing).
leader() {
  local port location
  for port in 17050 17060 17070; do
    location=$(curl -s -o /dev/null -w '%{redirect_url}' "http://127.0.0.1:$port/redirect" 2>/dev/null || true)
    case $location in
      *:17050*) echo master; return ;;
      *:17060*) echo master1; return ;;
      *:17070*) echo master2; return ;;
    esac
  done
  echo master
}

# A random command executor of the cluster's agents, if any runs.
an_executor() {
  local pid cwd candidates=()
  for pid in $(pgrep -f mesos-executor || true); do
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
    [[ $cwd == "$MESOS_CLUSTER_DIR"/* ]] && candidates+=("$pid")
  done
  [ "${#candidates[@]}" -gt 0 ] && echo "${candidates[RANDOM % ${#candidates[@]}]}"
}

# Waits until a task launched after $1 (ms) is running; prints the ms
# that took, or "timeout".
recovered_after() {
  local since=$1 deadline=$((SECONDS + recovery_timeout)) at
  while [ $SECONDS -lt $deadline ]; do
    at=$(awk -v since="$since" '
      $1 > since && $2 == "launched" { fresh[$3] = 1 }
      $1 > since && $2 == "state" && $4 == "TASK_RUNNING" && fresh[$3] { print $1; exit }' "$ledger")
    if [ -n "$at" ]; then echo $((at - since)); return; fi
    sleep 0.5
  done
  echo timeout
}

start_framework
sleep 15
if [ "$standby" = 1 ]; then start_framework; sleep 5; fi
framework_pid=$(leading_pid)
rss_start=$(rss_kb "$framework_pid")
echo "soak: framework up (pid $framework_pid leads, RSS $rss_start kB; instances ${framework_pids[*]}); chaos for $minutes min"

start=$SECONDS
end=$((SECONDS + minutes * 60))
# A line a minute while nothing is killed, so a long run shows it is alive.
progress() {
  local launched
  launched=$(awk '$2 == "launched"' "$ledger" 2>/dev/null | wc -l)
  echo "soak: $(((SECONDS - start) / 60)) of $minutes min, $(wc -l <"$kills") kills, ${launched:-0} tasks launched"
}
while [ $SECONDS -lt $end ]; do
  pause=$((20 + RANDOM % 41))
  while ((pause > 0)) && [ $SECONDS -lt $end ]; do
    step=$((pause < 60 ? pause : 60))
    sleep "$step"
    pause=$((pause - step))
    ((pause == 0)) || progress
  done
  [ $SECONDS -lt $end ] || break
  victims=(agent master executor scheduler)
  victim=${victims[RANDOM % 4]}
  at=$(now_ms)
  case $victim in
    agent)
      name=agent$((RANDOM % 4))
      "$cluster" kill "$name" >/dev/null
      sleep 3
      "$cluster" start "$name" >/dev/null ;;
    master)
      name=$(leader)
      "$cluster" kill "$name" >/dev/null
      sleep 3
      "$cluster" start "$name" >/dev/null ;;
    executor)
      pid=$(an_executor || true)
      if [ -z "$pid" ]; then continue; fi
      name="executor pid $pid"
      # It may have ended meanwhile (its task is short): then no kill.
      kill -9 "$pid" 2>/dev/null || continue ;;
    scheduler)
      framework_pid=$(leading_pid)
      name="scheduler pid $framework_pid"
      kill -9 "$framework_pid" 2>/dev/null || true
      wait "$framework_pid" 2>/dev/null || true
      forget_framework "$framework_pid"
      sleep 2
      start_framework ;;
  esac
  took=$(recovered_after "$at")
  echo "$at $victim $took $name" >>"$kills"
  echo "soak: killed $name; whole again after ${took} ms"
  progress
done

framework_pid=$(leading_pid)
rss_end=$(rss_kb "$framework_pid")
echo "soak: draining (no more launches; waiting for every task to end)"
touch "$work/drain"
for pid in "${framework_pids[@]}"; do
  for _ in $(seq 1 360); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && echo "soak: framework instance $pid did not drain within 180 s" >&2
done

# --- the ledger -----------------------------------------------------------------
echo
mode=$api
if [ "$standby" = 1 ]; then mode="$api, with a standby"; fi
echo "soak ($mode): $minutes min, $(wc -l <"$kills") kills, seed $seed; ledger $ledger"
awk '
  $2 == "launched" { if (launched[$3]++) twice[$3] = 1; order[++n] = $3 }
  $2 == "state" {
    state = $4
    if (state == "TASK_RUNNING" && (ended[$3] != "")) twice[$3] = 1
    if (state !~ /^TASK_(STAGING|STARTING|RUNNING|KILLING|UNREACHABLE)$/) ended[$3] = state
  }
  $2 == "registered" { ids[$3] = 1 }
  END {
    for (i = 1; i <= n; i++) {
      t = order[i]; s = ended[t]
      if (s == "") never++
      else if (s == "TASK_FINISHED") finished++
      else if (s ~ /^TASK_(LOST|GONE|GONE_BY_OPERATOR|DROPPED|UNKNOWN)$/) lost++
      else failed++
    }
    for (t in twice) dup++
    for (id in ids) nids++
    printf "| launched | finished | failed | lost | final state never learned | running twice | framework ids |\n"
    printf "|---|---|---|---|---|---|---|\n"
    printf "| %d | %d | %d | %d | %d | %d | %d |\n", n, finished, failed, lost, never, dup, nids
    bad = (never > 0 || dup > 0 || nids != 1)
    exit bad
  }' "$ledger" && invariants=ok || invariants=broken
echo
echo "scheduler RSS: $rss_start kB at start, $rss_end kB at the end (last process)"
echo
echo "| kill | recovered after (ms) |"
echo "|---|---|"
awk '{ name = $2; for (i = 4; i <= NF; i++) name = name " " $i; printf "| %s | %s |\n", name, $3 }' "$kills"
awk '$3 != "timeout" { v[++n] = $3 } $3 == "timeout" { t++ }
  END {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) { x = v[j]; v[j] = v[j-1]; v[j-1] = x }
    if (n) printf "\nrecovery ms: p50 %d, p90 %d, max %d", v[int((n + 1) / 2)], v[int(n * 0.9 + 0.999)], v[n]
    printf "; %d without recovery\n", t
    exit t > 0
  }' "$kills" || invariants=broken
if [ "$invariants" != ok ]; then
  echo "soak: an invariant broke (see above)" >&2
  exit 1
fi
echo "soak: every invariant held"
