# shellcheck shell=bash
# The variables this sets and reads are the sourcing script's (scripts/soak.sh).
# shellcheck disable=SC2034,SC2154
# Sourced by scripts/soak.sh: the soak's cluster on loopback, from
# scripts/local-cluster.sh and a ZooKeeper of its own: 3 masters (ports
# 17050/17060/17070), 4 agents (17051-17054), ZooKeeper on 17181. Its
# faults are kills: an agent or the leading master (started again after
# 3 s), or a command executor.
#
# What scripts/soak.sh calls (every backend has them):
#   soak_cluster_up      starts it; sets master_url (the framework's
#                        --master), election_zk (HOST:PORT of ZooKeeper for
#                        --standby) and framework_runner (the command that
#                        runs a program where frameworks run: none here)
#   soak_cluster_down    stops it (safe to call twice, and from a trap)
#   soak_faults          the fault kinds to draw from (the scheduler's kill,
#                        "scheduler", is the soak's own)
#   soak_inject KIND     causes a fault of KIND and undoes it; sets
#                        fault_name and fault_held (s); fault_name is
#                        empty when there was nothing to hit (no executor
#                        running). A failure exits (set -e): a fault left
#                        half done would poison the rest of the soak.
#   soak_revive          starts again a daemon a fault left dead (none here)

# zookeeper_up, zookeeper_down
# shellcheck source=scripts/lib/zookeeper.sh
. scripts/lib/zookeeper.sh

soak_faults=(agent master executor)
loopback_zk_port=17181
loopback_cluster=scripts/local-cluster.sh

soak_cluster_up() {
  export MESOS_CLUSTER_DIR=$dir/cluster MESOS_AGENTS=4 MESOS_MASTER_PORT=17050 \
    MESOS_AGENT_BASE_PORT=17051 MESOS_EXTRA_MASTER_PORTS="17060 17070" \
    MESOS_ZK=zk://127.0.0.1:$loopback_zk_port/mesos \
    MESOS_MASTER_FLAGS="--agent_ping_timeout=1secs --max_agent_ping_timeouts=5"
  zookeeper_up "$dir/zookeeper" "$loopback_zk_port" || die "the soak needs ZooKeeper"
  "$loopback_cluster" up
  master_url=$MESOS_ZK
  election_zk=127.0.0.1:$loopback_zk_port
  framework_runner=()
}

soak_cluster_down() {
  "$loopback_cluster" down >/dev/null 2>&1 || true
  zookeeper_down
}

# The leading master's daemon name (master, master1, master2): any master
# answers /redirect with the leader's address (a non-leading one redirects
# every other endpoint, so its /master/state would say nothing).
loopback_leader() {
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
loopback_executor() {
  local pid cwd candidates=()
  for pid in $(pgrep -f mesos-executor || true); do
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
    [[ $cwd == "$MESOS_CLUSTER_DIR"/* ]] && candidates+=("$pid")
  done
  [ "${#candidates[@]}" -gt 0 ] && echo "${candidates[RANDOM % ${#candidates[@]}]}"
}

soak_inject() {
  local name pid
  fault_name=
  fault_held=0
  case $1 in
    agent)
      name=agent$((RANDOM % 4))
      "$loopback_cluster" kill "$name" >/dev/null
      sleep 3
      "$loopback_cluster" start "$name" >/dev/null
      fault_name="kill $name"
      fault_held=3 ;;
    master)
      name=$(loopback_leader)
      "$loopback_cluster" kill "$name" >/dev/null
      sleep 3
      "$loopback_cluster" start "$name" >/dev/null
      fault_name="kill $name (leading)"
      fault_held=3 ;;
    executor)
      pid=$(loopback_executor || true)
      [ -n "$pid" ] || return 0
      # It may have ended meanwhile (its task is short): then no kill.
      kill -9 "$pid" 2>/dev/null || return 0
      fault_name="kill executor pid $pid" ;;
    *) die "no fault $1 on loopback" ;;
  esac
}

soak_revive() { :; }
