# shellcheck shell=bash
# The variables this sets and reads are the sourcing script's (scripts/soak.sh).
# shellcheck disable=SC2034,SC2154
# Sourced by scripts/soak.sh --hosts: the soak's cluster on the multi-host
# testbed (docs/testbed.md): ZooKeeper, 3 masters, 4 agents, a scheduler
# host and a file server, each in a network namespace of its own on
# 10.231.0.0/16, through the `testbed` CLI with its state in $dir/testbed.
# The framework runs on the scheduler host (`testbed exec scheduler`). It
# needs nothing from the file server: its tasks are shell commands, which
# the agents (who do not see the project's tree) run with Mesos's own
# command executor.
#
# Its faults: the loopback ones (an agent host or the leading master
# killed and started again after 3 s, a command executor killed), and cut
# links, each healed after $cut_min-$cut_max s (SOAK_CUT_MIN, SOAK_CUT_MAX):
#   cut-scheduler          scheduler <-> every master, both ways
#   cut-masters-scheduler  every master -> scheduler only (one way)
#   cut-agent              a random agent <-> every master, both ways
#   cut-agent-masters      a random agent -> every master only (one way)
#   cut-leader-zookeeper   the leading master <-> ZooKeeper (it loses its
#                          leadership if its session expires, and exits)
# A daemon that exited because of a fault (a master that lost its
# leadership) is started again once the fault is healed (soak_revive),
# as a supervisor would; each such start is printed and counted.
#
# The interface is scripts/lib/soak-loopback.sh's.

soak_faults=(agent master executor cut-scheduler cut-masters-scheduler cut-agent
  cut-agent-masters cut-leader-zookeeper)
cut_min=${SOAK_CUT_MIN:-5}
cut_max=${SOAK_CUT_MAX:-40}
if ! [[ $cut_min =~ ^[0-9]+$ && $cut_max =~ ^[0-9]+$ ]] || [ "$cut_min" -gt "$cut_max" ]; then
  echo "soak: SOAK_CUT_MIN ($cut_min) and SOAK_CUT_MAX ($cut_max) must be whole seconds, the first no larger" >&2
  exit 2
fi
hosts_masters=(master1 master2 master3)
hosts_agents=(agent0 agent1 agent2 agent3)
# Set by soak_cluster_up.
hosts_state=
hosts_status=
hosts_bin=

# Where the testbed's state, status and CLI are.
hosts_paths() {
  hosts_state=$dir/testbed
  hosts_status=$dir/testbed.status
  hosts_bin=$target_dir/release/testbed
}

soak_cluster_up() {
  hosts_paths
  # As on loopback: the masters give up on an agent after 5 missed pings
  # of 1 s (and its tasks become TASK_UNREACHABLE).
  printf '%s\n' "masters ${#hosts_masters[@]}" "agents ${#hosts_agents[@]}" \
    "master-flag --agent_ping_timeout=1secs" "master-flag --max_agent_ping_timeouts=5" \
    >"$dir/testbed.spec"
  local status=0
  hosts_tb up --spec "$dir/testbed.spec" --timeout 300 >"$dir/testbed-up.log" 2>&1 || status=$?
  if [ "$status" != 0 ]; then
    cat "$dir/testbed-up.log" >&2
    # 3: this machine cannot run the testbed (not root, a tool missing).
    [ "$status" = 3 ] && exit 3
    die "the testbed did not start (logs in $hosts_state/logs)"
  fi
  hosts_tb status >"$hosts_status"
  master_url=$(sed -n 's/^zk: //p' "$hosts_status")
  [ -n "$master_url" ] || die "the testbed names no ZooKeeper (see $hosts_status)"
  election_zk=${master_url#zk://}
  election_zk=${election_zk%%/*}
  framework_runner=("$hosts_bin" --state "$hosts_state" exec scheduler --)
  echo "soak: testbed $(awk 'NR == 1 { print $2 }' "$hosts_status") up; masters at $master_url"
}

soak_cluster_down() {
  hosts_paths
  [ -x "$hosts_bin" ] || return 0
  # `status` fails when no testbed runs there (none started, or down).
  if [ -e "$hosts_state" ] && hosts_tb status >/dev/null 2>&1; then
    hosts_tb down >/dev/null 2>&1 || echo "soak: \`testbed down\` failed; sweeping" >&2
  fi
  # Leftovers of this testbed or of an earlier run that died uncleanly.
  "$hosts_bin" sweep >/dev/null 2>&1 || echo "soak: \`testbed sweep\` failed (see \`ip netns list\`)" >&2
}

hosts_tb() { "$hosts_bin" --state "$hosts_state" "$@"; }

# The network namespace of host $1.
hosts_netns() { awk -v host="$1" '$1 == host { print $5 }' "$hosts_status"; }

# The pids of processes named $2 (their comm) on host $1.
hosts_pids() {
  local pid
  for pid in $(ip netns pids "$(hosts_netns "$1")" 2>/dev/null); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] && echo "$pid"
  done
  return 0
}

# The host whose master leads, waiting up to 60 s for one to.
hosts_leader() {
  local leader i
  for ((i = 0; i < 120; i++)); do
    leader=$(hosts_tb leader 2>/dev/null || true)
    if [ -n "$leader" ]; then
      echo "$leader"
      return
    fi
    sleep 0.5
  done
  return 1
}

# Cuts each FROM:TO link after $1 (with $1 = one-way, only what FROM
# sends TO; else both ways), holds the cut for a random $cut_min-$cut_max
# s (fault_held), then heals it.
hosts_cut_for() {
  local how=$1 pair
  shift
  local cut=(cut)
  [ "$how" = one-way ] && cut=(cut --one-way)
  fault_held=$((cut_min + RANDOM % (cut_max - cut_min + 1)))
  for pair in "$@"; do hosts_tb "${cut[@]}" "${pair%%:*}" "${pair#*:}"; done
  sleep "$fault_held"
  for pair in "$@"; do hosts_tb heal "${pair%%:*}" "${pair#*:}"; done
}

# FROM:TO from $1 to each master, and from each master to $1.
hosts_to_masters() {
  local master
  for master in "${hosts_masters[@]}"; do echo "$1:$master"; done
}
hosts_from_masters() {
  local master
  for master in "${hosts_masters[@]}"; do echo "$master:$1"; done
}

soak_inject() {
  local name pid leader candidates=() links=()
  fault_name=
  fault_held=0
  case $1 in
    agent)
      name=${hosts_agents[RANDOM % ${#hosts_agents[@]}]}
      hosts_tb kill "$name"
      sleep 3
      hosts_tb start "$name"
      fault_name="kill $name (the host: agent and executors)"
      fault_held=3 ;;
    master)
      leader=$(hosts_leader) || return 0
      hosts_tb kill "$leader"
      sleep 3
      hosts_tb start "$leader"
      fault_name="kill $leader (leading)"
      fault_held=3 ;;
    executor)
      for name in "${hosts_agents[@]}"; do
        for pid in $(hosts_pids "$name" mesos-executor); do candidates+=("$name:$pid"); done
      done
      [ "${#candidates[@]}" -gt 0 ] || return 0
      pid=${candidates[RANDOM % ${#candidates[@]}]}
      # It may have ended meanwhile (its task is short): then no kill.
      kill -9 "${pid#*:}" 2>/dev/null || return 0
      fault_name="kill executor pid ${pid#*:} on ${pid%%:*}" ;;
    cut-scheduler)
      mapfile -t links < <(hosts_to_masters scheduler)
      hosts_cut_for both "${links[@]}"
      fault_name="cut scheduler <-> masters" ;;
    cut-masters-scheduler)
      mapfile -t links < <(hosts_from_masters scheduler)
      hosts_cut_for one-way "${links[@]}"
      fault_name="cut masters -> scheduler (one way)" ;;
    cut-agent)
      name=${hosts_agents[RANDOM % ${#hosts_agents[@]}]}
      mapfile -t links < <(hosts_to_masters "$name")
      hosts_cut_for both "${links[@]}"
      fault_name="cut $name <-> masters" ;;
    cut-agent-masters)
      name=${hosts_agents[RANDOM % ${#hosts_agents[@]}]}
      mapfile -t links < <(hosts_to_masters "$name")
      hosts_cut_for one-way "${links[@]}"
      fault_name="cut $name -> masters (one way)" ;;
    cut-leader-zookeeper)
      leader=$(hosts_leader) || return 0
      hosts_cut_for both "$leader:zk"
      fault_name="cut $leader (leading) <-> zk" ;;
    *) die "no fault $1 on the testbed" ;;
  esac
}

# Starts again every master or agent whose daemon is gone (a master exits
# when it loses its leadership), printing each; $revived counts them.
revived=0
soak_revive() {
  local host program
  for host in "${hosts_masters[@]}" "${hosts_agents[@]}"; do
    case $host in master*) program=mesos-master ;; *) program=mesos-agent ;; esac
    if [ -z "$(hosts_pids "$host" "$program")" ]; then
      echo "soak: $program on $host had exited ($(hosts_exit_reason "$host")); starting it again"
      hosts_tb start "$host"
      revived=$((revived + 1))
    fi
  done
}

# Why host $1's daemon exited, as the end of its log says (a master that
# lost its leadership says so).
hosts_exit_reason() {
  local log=$hosts_state/logs/$1.log line
  line=$(grep -E 'Lost leadership|committing suicide|Exiting|Failed|ABORT' "$log" 2>/dev/null | tail -1 || true)
  echo "${line:-see $log}" | cut -c1-160
}
