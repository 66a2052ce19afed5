#!/usr/bin/env bash
# A throwaway Mesos cluster on loopback: one master and N agents, started
# from an installed Mesos, stopped again by `down`.
#
#   scripts/local-cluster.sh up      start, wait until every agent registered
#   scripts/local-cluster.sh down    stop exactly what `up` started
#   scripts/local-cluster.sh status  what is running, where the logs are
#   scripts/local-cluster.sh kill NAME     SIGKILL one daemon (master, master1, agent0...)
#   scripts/local-cluster.sh start NAME    start it again, with the same command line
#   scripts/local-cluster.sh restart NAME  kill, then start (a crash and a restart)
#
# Mesos is found on PATH, or under $MESOS_HOME (an install prefix, e.g.
# /opt/mesos). Works as root on a host without systemd or Docker: agents use
# the Mesos containerizer with the posix launcher and isolation.
#
# Settings (environment), with defaults matching the reference example:
#   MESOS_CLUSTER_DIR       state, work dirs and logs   (/tmp/mesos-rs-cluster)
#   MESOS_MASTER_PORT       master port                 (5050)
#   MESOS_AGENTS            number of agents            (4)
#   MESOS_AGENT_BASE_PORT   first agent port            (5051; then +1 each)
#   MESOS_AGENT_RESOURCES   resources of each agent     (cpus:1;mem:1024;disk:10000)
#   MESOS_MASTER_FLAGS      extra master flags          (none)
#   MESOS_AGENT_FLAGS       extra agent flags           (none)
#   MESOS_ZK                zk://HOST:PORT/PATH: masters elect a leader there
#                           (quorum: a majority of them) and agents find it
#                           there                       (none: one standalone master)
#   MESOS_EXTRA_MASTER_PORTS  ports of more masters, e.g. "5060 5061" (with
#                           MESOS_ZK); named master1, master2...  (none)
#   MESOS_MASTER_REGISTRY   in_memory or replicated_log (in_memory; replicated_log
#                           with MESOS_ZK), kept in the master's work dir, so a
#                           restarted master recovers its agents and frameworks
#   MESOS_CLUSTER_CREDENTIAL  PRINCIPAL:SECRET for the master's read-only
#                           endpoints, when MESOS_MASTER_FLAGS has
#                           --authenticate_http_readonly (none)
set -euo pipefail

dir=${MESOS_CLUSTER_DIR:-/tmp/mesos-rs-cluster}
master_port=${MESOS_MASTER_PORT:-5050}
agents=${MESOS_AGENTS:-4}
agent_base_port=${MESOS_AGENT_BASE_PORT:-5051}
resources=${MESOS_AGENT_RESOURCES:-cpus:1;mem:1024;disk:10000}
master="127.0.0.1:${master_port}"
zk=${MESOS_ZK:-}
extra_master_ports=${MESOS_EXTRA_MASTER_PORTS:-}
credential=${MESOS_CLUSTER_CREDENTIAL:-}
if [ -n "$zk" ]; then default_registry=replicated_log; else default_registry=in_memory; fi
registry=${MESOS_MASTER_REGISTRY:-$default_registry}

die() { echo "local-cluster: $*" >&2; exit 1; }

find_binary() {
  local name=$1 candidate
  for candidate in "${MESOS_HOME:+$MESOS_HOME/sbin/$name}" "${MESOS_HOME:+$MESOS_HOME/bin/$name}" \
                   "$(command -v "$name" 2>/dev/null || true)" "/opt/mesos/sbin/$name" "/usr/local/sbin/$name"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  die "$name not found: put Mesos's sbin on PATH or set MESOS_HOME to its install prefix"
}

# Starts a daemon in the background, recording its pid for `down` and its
# command line for `start`/`restart`.
spawn() {
  local name=$1; shift
  mkdir -p "$dir/cmds"
  printf '%s\0' "$@" >"$dir/cmds/$name"
  "$@" >>"$dir/logs/$name.out" 2>&1 &
  echo $! >"$dir/pids/$name"
}

# Active agents, as the leading master counts them: its `master/slaves_active`
# gauge (the others count none). A readiness probe from the metrics
# endpoint, not the operator API: what reads the cluster's state goes through
# the typed client (mesos_native::operator), which a shell script can't.
registered_agents() {
  local port most=0 count
  for port in "$master_port" $extra_master_ports; do
    count=$(curl -fsS ${credential:+-u "$credential"} "http://127.0.0.1:${port}/metrics/snapshot" 2>/dev/null |
      grep -o '"master/slaves_active":[0-9.]*' | cut -d: -f2 | cut -d. -f1) || true
    if [ "${count:-0}" -gt "$most" ]; then most=$count; fi
  done
  echo "$most"
}

# Masters whose replica of the registry's replicated log has joined the
# others (their `registrar/log/recovered` gauge is 1). A replica still
# catching up can only do so while every other one answers, so losing the
# leader before all have joined can leave too few to recover the registry:
# the next leader then gives up after `--registry_fetch_timeout` and exits.
# With one master, or the in-memory registry, there is nothing to wait for.
recovered_masters() {
  local port count=0
  for port in "$master_port" $extra_master_ports; do
    curl -fsS ${credential:+-u "$credential"} "http://127.0.0.1:${port}/metrics/snapshot" 2>/dev/null |
      grep -q '"registrar/log/recovered":1' && count=$((count + 1))
  done
  echo "$count"
}

up() {
  local master_bin agent_bin i port
  local name n quorum zk_flags=() agent_master=$master
  master_bin=$(find_binary mesos-master)
  agent_bin=$(find_binary mesos-agent)
  for port in "$master_port" $extra_master_ports; do
    if curl -fsS -o /dev/null "http://127.0.0.1:${port}/health" 2>/dev/null; then
      die "something already answers on 127.0.0.1:${port}; run '$0 down' or pick MESOS_MASTER_PORT"
    fi
  done
  if [ -n "$extra_master_ports" ] && [ -z "$zk" ]; then
    die "MESOS_EXTRA_MASTER_PORTS needs MESOS_ZK (masters elect their leader through ZooKeeper)"
  fi
  # A fresh cluster every time: agents would otherwise recover reservations
  # checkpointed by an earlier run. Logs of earlier runs are kept.
  rm -rf "$dir/master" "$dir"/master[0-9]* "$dir"/agent[0-9]*
  mkdir -p "$dir/logs" "$dir/pids"

  n=0
  for port in "$master_port" $extra_master_ports; do n=$((n + 1)); done
  if [ -n "$zk" ]; then
    quorum=$((n / 2 + 1))
    zk_flags=(--zk="$zk" --quorum="$quorum")
    agent_master=$zk
  fi
  n=0
  for port in "$master_port" $extra_master_ports; do
    if [ "$n" -eq 0 ]; then name=master; else name=master$n; fi
    # shellcheck disable=SC2086 # extra flags are word-split on purpose
    spawn "$name" "$master_bin" --ip=127.0.0.1 --port="$port" \
      --work_dir="$dir/$name" --log_dir="$dir/logs" --registry="$registry" \
      "${zk_flags[@]}" ${MESOS_MASTER_FLAGS:-}
    n=$((n + 1))
  done

  for ((i = 0; i < agents; i++)); do
    port=$((agent_base_port + i))
    # Every agent needs its own work and runtime dirs on a shared host.
    # shellcheck disable=SC2086
    spawn "agent$i" "$agent_bin" --master="$agent_master" --ip=127.0.0.1 --hostname=127.0.0.1 \
      --port="$port" --work_dir="$dir/agent$i" --runtime_dir="$dir/agent$i/run" \
      --log_dir="$dir/logs" --resources="$resources" \
      --containerizers=mesos --launcher=posix --isolation=posix/cpu,posix/mem \
      --no-systemd_enable_support --executor_registration_timeout=2mins \
      ${MESOS_AGENT_FLAGS:-}
  done

  local masters=0 replicas=0
  for port in "$master_port" $extra_master_ports; do masters=$((masters + 1)); done
  if [ "$registry" = replicated_log ] && [ "$masters" -gt 1 ]; then replicas=$masters; fi
  for ((i = 0; i < 120; i++)); do
    if [ "$(registered_agents)" -ge "$agents" ] &&
      { [ "$replicas" -eq 0 ] || [ "$(recovered_masters)" -ge "$replicas" ]; }; then
      echo "local-cluster: master ${master} with ${agents} agent(s) (ports ${agent_base_port}-$((agent_base_port + agents - 1))) is up"
      echo "local-cluster: logs in $dir/logs"
      return 0
    fi
    for pidfile in "$dir"/pids/*; do
      kill -0 "$(cat "$pidfile")" 2>/dev/null ||
        { echo "local-cluster: $(basename "$pidfile") exited; its output:" >&2
          tail -n 20 "$dir/logs/$(basename "$pidfile").out" >&2; down; exit 1; }
    done
    sleep 0.5
  done
  echo "local-cluster: within 60 s, $(registered_agents) of ${agents} agents registered and $(recovered_masters) of ${replicas} masters' registry replicas joined; logs in $dir/logs" >&2
  down
  exit 1
}

down() {
  local pidfile pid
  [ -d "$dir/pids" ] || { echo "local-cluster: nothing to stop"; return 0; }
  # Agents first, so they don't spend time re-registering with a dead master.
  # The second glob lists the agents again: their files are gone by then.
  for pidfile in "$dir"/pids/agent* "$dir"/pids/*; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  # Executors started by the agents belong to their process groups' sessions;
  # kill any still holding the cluster's work dirs.
  pkill -f -- "--work_dir=$dir/" 2>/dev/null || true
  kill_sandbox_processes
  echo "local-cluster: stopped (logs kept in $dir/logs)"
}

# Executors and tasks outlive an agent that was killed (or stopped): they run
# in their sandboxes, under the agents' work dirs. Kill those, by pid.
kill_sandbox_processes() {
  local proc pid cwd
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    [ "$pid" = "$$" ] || [ "$pid" = "$PPID" ] && continue
    cwd=$(readlink "$proc/cwd" 2>/dev/null) || continue
    case "$cwd" in
      "$dir"/agent*/*) kill -9 "$pid" 2>/dev/null || true ;;
    esac
  done
}

# SIGKILLs one daemon started by `up` (a crash: no clean shutdown).
kill_daemon() {
  local name=$1 pid
  [ -f "$dir/cmds/$name" ] || die "no daemon named '$name' (see '$0 status')"
  [ -f "$dir/pids/$name" ] || { echo "local-cluster: $name is not running"; return 0; }
  pid=$(cat "$dir/pids/$name")
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$dir/pids/$name"
  echo "local-cluster: killed $name (pid $pid)"
}

# Starts a daemon again with the command line `up` gave it.
start_daemon() {
  local name=$1 args=()
  [ -f "$dir/cmds/$name" ] || die "no daemon named '$name' (see '$0 status')"
  if [ -f "$dir/pids/$name" ] && kill -0 "$(cat "$dir/pids/$name")" 2>/dev/null; then
    die "$name is already running (pid $(cat "$dir/pids/$name"))"
  fi
  mapfile -d '' args <"$dir/cmds/$name"
  spawn "$name" "${args[@]}"
  echo "local-cluster: started $name (pid $(cat "$dir/pids/$name"))"
}

status() {
  local pidfile state
  [ -d "$dir/pids" ] || { echo "local-cluster: not running"; return 0; }
  for pidfile in "$dir"/pids/*; do
    [ -e "$pidfile" ] || continue
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then state=running; else state=dead; fi
    echo "$(basename "$pidfile"): pid $(cat "$pidfile") $state"
  done
  echo "registered agents: $(registered_agents)"
  echo "logs: $dir/logs"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  kill) kill_daemon "${2:?usage: $0 kill NAME}" ;;
  start) start_daemon "${2:?usage: $0 start NAME}" ;;
  restart) kill_daemon "${2:?usage: $0 restart NAME}"; start_daemon "$2" ;;
  *) die "usage: $0 up|down|status|kill NAME|start NAME|restart NAME" ;;
esac
