# shellcheck shell=bash
# Sourced by scripts/bench.sh and scripts/soak.sh: a ZooKeeper server of
# their own on loopback, from ZooKeeper's jar (Debian's zookeeper package,
# or ZOOKEEPER_JAR) run with java (JAVA_HOME or PATH).
#
#   zookeeper_up DIR PORT   starts it with its data in DIR, returns once
#                           it answers `ruok`; false, saying why, if it
#                           can't (no java, no jar, did not start). Runs
#                           under "${pin_cluster[@]}" when that is set.
#   zookeeper_down          stops it (safe to call twice)

zk_pid=

zookeeper_up() {
  local dir=$1 port=$2 jar=${ZOOKEEPER_JAR:-/usr/share/java/zookeeper.jar} java i
  java=${JAVA_HOME:+$JAVA_HOME/bin/java}
  java=${java:-$(command -v java || true)}
  if [ -z "$java" ] || [ ! -e "$jar" ]; then
    echo "${0##*/}: no java or no $jar (set ZOOKEEPER_JAR)" >&2
    return 1
  fi
  mkdir -p "$dir/data"
  printf 'tickTime=250\ninitLimit=10\nsyncLimit=5\ndataDir=%s\nclientPort=%s\nclientPortAddress=127.0.0.1\nmaxClientCnxns=0\nadmin.enableServer=false\n4lw.commands.whitelist=ruok\n' \
    "$dir/data" "$port" >"$dir/zoo.cfg"
  # The jar's manifest names its dependencies, next to it.
  # shellcheck disable=SC2154 # pin_cluster is the sourcing script's, if any
  ${pin_cluster[@]+"${pin_cluster[@]}"} "$java" -Xmx256m -cp "$jar:$(dirname "$jar")/*" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$dir/zoo.cfg" >"$dir/zookeeper.out" 2>&1 &
  zk_pid=$!
  for ((i = 0; i < 300; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf ruok >&3 && [ "$(timeout 2 cat <&3)" = imok ]) 2>/dev/null; then
      return 0
    fi
    kill -0 "$zk_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "${0##*/}: ZooKeeper did not start on port $port (see $dir/zookeeper.out)" >&2
  zookeeper_down
  return 1
}

zookeeper_down() {
  if [ -n "$zk_pid" ]; then
    kill "$zk_pid" 2>/dev/null || true
    wait "$zk_pid" 2>/dev/null || true
    zk_pid=
  fi
}
