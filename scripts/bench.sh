#!/usr/bin/env bash
# Benchmarks of the Rust binding against the C++ native driver, side by side
# in one run, on the same libmesos and the same local cluster:
#
#   MESOS_HOME=/opt/mesos scripts/bench.sh
#
# 1. builds the Rust `bench` (mesos-bench/, release) and its C++ twin
#    (mesos-bench/cpp/bench.cpp, g++ -O3 against the installed Mesos headers
#    and -lmesos) into target/release/{bench,bench-cpp};
# 2. runs every workload BENCH_RUNS times per side, alternating which side
#    goes first, each run bounded by BENCH_RUN_TIMEOUT:
#      offers S          in process, no cluster: the offer batch handed from
#                        the shim to a Rust callback (serialize + decode) vs
#                        one C++ parse of the same bytes, one offer at a
#                        time; offers-batch: the C++ side parses the whole
#                        batch before freeing it; then offers again with
#                        glibc's trim threshold raised (offers-trim64m);
#                        offers-v1: the same batch as one v1 OFFERS event,
#                        through the shim's v1 callbacks to a Rust v1
#                        scheduler vs one C++ parse of the event's bytes
#    then starts a one-agent loopback cluster with scripts/local-cluster.sh
#    on non-default ports (master 15050, agent 15051) for:
#      calls MASTER S    reconcile_tasks(&[]) / reconcileTasks({}) for S s
#      calls-paired MASTER S
#                        the same two loops in one process (the Rust
#                        bench's), in alternating blocks: each run gives
#                        both sides' figures, free of the per-process
#                        spread of separate runs (mesos-bench/src/paired.rs)
#      storm MASTER N    explicit reconciliation of N unknown tasks, until
#                        the N-th status update; each run times 5 storms
#                        after an untimed warm-up one and reports the
#                        median (N from BENCH_STORM_SIZES)
#      storm-paired MASTER N
#                        the same storms of both sides in one process, in
#                        turns, 15 timed per side and run
#                        (mesos-bench/src/paired.rs)
#      storm-v1 MASTER N the same storm on the v1 API: the Rust
#                        mesos::v1::scheduler against a C++ twin on
#                        mesos::v1::scheduler::Mesos (cpp/bench_v1.cpp);
#                        the summary also gives v1/v0 per side
#    and, with libprocess's headers installed, State and the replicated log
#    against a C++ twin on libmesos's own classes (cpp/bench_state.cpp):
#      state-zk SERVERS ZNODE S  store + fetch of one variable for S s, on
#                        a ZooKeeper server this script starts (needs java
#                        and ZooKeeper's jar; skipped without them)
#      state-leveldb DIR S       the same on LevelDB, a fresh DIR per run
#      log-append DIR S  appends to a one-replica log, a fresh DIR per run
# 3. prints min/median/max for each side, the ratio Rust/C++ of medians,
#    each side's peak RSS, and the CPU cost per call / per callback (which
#    does not depend on the share of the CPU a run got), as Markdown tables;
# 4. with BENCH_REFERENCE=1 (default), measures the reference example's peak
#    RSS (target/release/examples/main on a four-agent cluster, reserved by
#    examples/reserve_cluster) with /usr/bin/time -v;
# and stops every cluster it started on exit.
#
# Settings (environment), defaults in parentheses:
#   MESOS_HOME / MESOS_NATIVE_LIBRARY  where Mesos is (/opt/mesos, /usr/local)
#   BENCH_RUNS            runs per workload and side              (7)
#   BENCH_CALL_SECONDS    duration of one `calls` run             (1)
#   BENCH_STORM_SIZES     N of the `storm` runs                   (1000 10000)
#   BENCH_OFFER_SECONDS   duration of one `offers` run            (2)
#   BENCH_STATE_SECONDS   duration of one state-* / log-append run (3)
#   BENCH_ZK_PORT         the ZooKeeper server state-zk starts    (15181)
#   ZOOKEEPER_JAR         ZooKeeper's server jar  (/usr/share/java/zookeeper.jar)
#   BENCH_RUN_TIMEOUT     seconds before a run is killed          (180)
#   BENCH_REFERENCE       1 to measure the reference example      (1)
#   BENCH_PIN             1 to keep benchmarks and cluster on
#                         separate CPUs (taskset)                 (1)
#   BENCH_WORKLOADS       which workloads to run    (offers offers-batch
#                         offers-trim64m offers-v1 calls calls-paired
#                         storm storm-paired storm-v1 state-zk
#                         state-leveldb log-append; "calls"
#                         alone for a quick look at one figure)
#   BENCH_AGAINST         another build of `bench` (e.g. an older commit's
#                         target/release/bench) run in the C++ twins'
#                         place: an A/B of two versions of the binding in
#                         one run; the tables call it "base"; skips
#                         the paired workloads, whose other side is
#                         C++                                      (unset)
#   MESOS_MASTER_PORT, MESOS_AGENT_BASE_PORT                      (15050, 15051)
#   MESOS_CLUSTER_DIR     cluster state, logs and results         (/tmp/mesos-rs-bench)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${BENCH_RUNS:-7}
call_seconds=${BENCH_CALL_SECONDS:-1}
storm_sizes=${BENCH_STORM_SIZES:-1000 10000}
offer_seconds=${BENCH_OFFER_SECONDS:-2}
state_seconds=${BENCH_STATE_SECONDS:-3}
zk_port=${BENCH_ZK_PORT:-15181}
run_timeout=${BENCH_RUN_TIMEOUT:-180}
reference=${BENCH_REFERENCE:-1}
pin=${BENCH_PIN:-1}
against=${BENCH_AGAINST:-}
other=${against:+base}
other=${other:-C++}
workloads=" ${BENCH_WORKLOADS:-offers offers-batch offers-trim64m offers-v1 calls calls-paired storm storm-paired storm-v1 state-zk state-leveldb log-append} "
export MESOS_MASTER_PORT=${MESOS_MASTER_PORT:-15050}
export MESOS_AGENT_BASE_PORT=${MESOS_AGENT_BASE_PORT:-15051}
base_dir=${MESOS_CLUSTER_DIR:-/tmp/mesos-rs-bench}
master=127.0.0.1:${MESOS_MASTER_PORT}

# wanted NAME: whether BENCH_WORKLOADS lists NAME.
wanted() { [[ $workloads == *" $1 "* ]]; }

# find_mesos, mesos_cxx, mesos_link, cargo_target_dir, die
# shellcheck source=scripts/lib/mesos.sh
. scripts/lib/mesos.sh
# zookeeper_up, zookeeper_down
# shellcheck source=scripts/lib/zookeeper.sh
. scripts/lib/zookeeper.sh
find_mesos

# --- build both sides ----------------------------------------------------------
bench_start=$SECONDS
echo "bench: building the Rust side (cargo build --release)"
cargo build --release -p mesos-bench
if [ "$reference" = 1 ]; then
  cargo build --release --example main --example executor --example reserve_cluster
fi
target_dir=$(cargo_target_dir)
rust_bench=$target_dir/release/bench
cpp_bench=$target_dir/release/bench-cpp
"$rust_bench" offers 0.01 >/dev/null 2>&1 ||
  die "$rust_bench was built without libmesos (cargo clean -p mesos-native-sys, then rerun with MESOS_HOME set)"

cpp_v1_bench=$target_dir/release/bench-cpp-v1
cpp_state_bench=$target_dir/release/bench-cpp-state
if [ -n "$against" ]; then
  [ -x "$against" ] || die "BENCH_AGAINST=$against is not an executable bench"
  "$against" offers 0.01 >/dev/null 2>&1 || die "$against does not run (built without libmesos?)"
  echo "bench: against $against, in the C++ twins' place"
  cpp_bench=$against
  cpp_v1_bench=$against
  cpp_state_bench=$against
else
  echo "bench: building the C++ twin ($cpp_bench)"
  mesos_cxx mesos-bench/cpp/bench.cpp "$cpp_bench.o" -Imesos-bench/cpp
  mesos_link "$cpp_bench" "$cpp_bench.o"

  # The v1 twin (storm-v1) and the State and log twin (state-zk,
  # state-leveldb, log-append) need libprocess's headers, installed with
  # Mesos's --enable-install-module-dependencies; without them those
  # workloads are skipped.
  if [ ! -e "$prefix/include/process/future.hpp" ]; then
    echo "bench: $prefix/include has no libprocess headers: skipping storm-v1, state-zk, state-leveldb, log-append" >&2
    for skipped in storm-v1 state-zk state-leveldb log-append; do
      workloads=${workloads/ $skipped / }
    done
  fi
  if wanted storm-v1; then
    echo "bench: building the v1 C++ twin ($cpp_v1_bench)"
    mesos_cxx mesos-bench/cpp/bench_v1.cpp "$cpp_v1_bench.o"
    mesos_link "$cpp_v1_bench" "$cpp_v1_bench.o"
  fi
  if wanted state-zk || wanted state-leveldb || wanted log-append; then
    echo "bench: building the State and log C++ twin ($cpp_state_bench)"
    mesos_cxx mesos-bench/cpp/bench_state.cpp "$cpp_state_bench.o" -Imesos-bench/cpp
    mesos_link "$cpp_state_bench" "$cpp_state_bench.o"
  fi
fi

# --- CPUs and cluster --------------------------------------------------------
# With BENCH_PIN=1 (default on two or more CPUs) the cluster's daemons run on
# the last CPU and the benchmarks on the others, so that a run does not
# compete with the master and agent for CPU time (far less run-to-run noise).
pin_bench=() pin_cluster=()
if [ "$pin" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  last_cpu=$(($(nproc) - 1))
  pin_bench=(taskset -c "0-$((last_cpu - 1))")
  pin_cluster=(taskset -c "$last_cpu")
fi
cluster_dir=
cluster_up() {
  cluster_dir=$1
  MESOS_CLUSTER_DIR=$cluster_dir MESOS_AGENTS=$2 "${pin_cluster[@]}" scripts/local-cluster.sh up
}
cluster_down() {
  if [ -n "$cluster_dir" ]; then
    MESOS_CLUSTER_DIR=$cluster_dir scripts/local-cluster.sh down || true
    cluster_dir=
  fi
}
trap 'cluster_down; zookeeper_down' EXIT
trap 'exit 130' INT TERM

rm -rf "$base_dir/results"
mkdir -p "$base_dir/results"
results=$base_dir/results/runs.txt
: >"$results"

# --- runs ------------------------------------------------------------------------
# Waits (up to 60 s) until the master's event queue is empty, so that a run
# does not pay for the backlog of the previous one (`calls` floods it).
wait_master_idle() {
  local i queued
  for ((i = 0; i < 600; i++)); do
    queued=$(curl -fsS "http://$master/metrics/snapshot" 2>/dev/null | tr ',' '\n' |
      sed -n 's/.*"master\/event_queue_\(messages\|dispatches\)":\([0-9]*\).*/\2/p' |
      awk '{ s += $1 } END { print s + 0 }')
    [ "$queued" = 0 ] && return 0
    sleep 0.1
  done
  echo "bench: the master's event queue did not drain within 60 s" >&2
}

# The environment assignments in run_env apply to every bench process.
run_env=()

# launch LOG WHAT BIN ARGS...: one bench process, pinned, bounded by
# BENCH_RUN_TIMEOUT, started once the master has drained the previous run's
# backlog; its stdout into the caller's $out, its stderr into LOG. If it
# fails, shows the log's tail and dies naming WHAT.
launch() {
  local log=$1 what=$2
  shift 2
  [ -z "$cluster_dir" ] || wait_master_idle
  if ! out=$(env "${run_env[@]}" timeout -k 5 "$run_timeout" "${pin_bench[@]}" "$@" 2>"$log"); then
    tail -n 20 "$log" >&2
    die "$what failed (log: $log)"
  fi
}

# run_one LABEL SIDE I ARGS...: one run; appends "LABEL SIDE rate seconds rss_kb".
run_one() {
  local label=$1 side=$2 i=$3 bin out log rate seconds rss cpu
  shift 3
  if [ "$side" = rust ]; then
    bin=$rust_bench
  elif [[ $label == storm-v1* ]]; then
    bin=$cpp_v1_bench
  elif [[ $label == state-* || $label == log-* ]]; then
    bin=$cpp_state_bench
  else
    bin=$cpp_bench
  fi
  log=$base_dir/results/$label-$side-$i.log
  # @RUN@ in an argument: a name of this run's own (a fresh znode or
  # directory, so that no run reads what an earlier one wrote).
  set -- "${@//@RUN@/$label-$side-$i}"
  launch "$log" "$side run $i of '$*'" "$bin" "$@"
  read -r _ _ seconds rate <<<"$out"
  rate=${rate%/s}
  rss=$(sed -n 's/^bench: peak_rss_kb=//p' "$log" | tail -n 1)
  # CPU cost per item, whatever the share of the CPU the run got: of the
  # calling thread per call (calls), of the whole process per callback
  # (storm) or per operation (state and log).
  cpu=$(sed -n 's/^bench: \(calling_thread_cpu_ns_per_call\|process_cpu_ns_per_callback\|process_cpu_ns_per_op\)=//p' "$log" | tail -n 1)
  printf '  %-4s %-14s run %s/%s: %s  (peak RSS %s kB%s)\n' "$side" "$label" "$i" "$runs" "$out" \
    "${rss:-?}" "${cpu:+; CPU $cpu ns/item}"
  echo "$label $side $rate $seconds ${rss:-0} ${cpu:-0}" >>"$results"
}

# workload LABEL ARGS...: BENCH_RUNS runs per side, alternating who goes
# first; LABEL is also what BENCH_WORKLOADS names (storm-N as storm).
labels=()
workload() {
  local label=$1 i
  shift
  wanted "${label%%-[0-9]*}" || return 0
  labels+=("$label")
  echo "bench: $label: $* ($runs runs per side; $((SECONDS - bench_start)) s so far)"
  for ((i = 1; i <= runs; i++)); do
    if ((i % 2)); then
      run_one "$label" rust "$i" "$@"
      run_one "$label" cpp "$i" "$@"
    else
      run_one "$label" cpp "$i" "$@"
      run_one "$label" rust "$i" "$@"
    fi
  done
}

# paired_workload LABEL WORKLOAD ARGS...: BENCH_RUNS runs of the Rust
# bench's WORKLOAD (calls-paired, storm-paired), which times both sides in
# its own process. Each run adds a rust and a cpp line to the results, so
# the tables read it like any workload; the peak RSS is the shared
# process's, the same for both.
paired_workload() {
  local label=$1 i log out rss side seconds rate cpu
  shift
  wanted "${label%%-[0-9]*}" || return 0
  if [ -n "$against" ]; then
    echo "bench: skipping $label: its other side is libmesos's own C++, not BENCH_AGAINST" >&2
    return 0
  fi
  labels+=("$label")
  echo "bench: $label: $* ($runs runs, each of both sides; $((SECONDS - bench_start)) s so far)"
  for ((i = 1; i <= runs; i++)); do
    log=$base_dir/results/$label-$i.log
    launch "$log" "run $i of '$label $*'" "$rust_bench" "$@"
    rss=$(sed -n 's/^bench: peak_rss_kb=//p' "$log" | tail -n 1)
    while read -r _ side _ seconds rate; do
      rate=${rate%/s}
      cpu=$(sed -n "s/^bench: $side \(calling_thread_cpu_ns_per_call\|process_cpu_ns_per_callback\)=//p" "$log" | tail -n 1)
      printf '  %-4s %-14s run %s/%s: %s %s/s in %s s  (peak RSS %s kB; CPU %s ns/item)\n' \
        "$side" "$label" "$i" "$runs" "$label" "$rate" "$seconds" "${rss:-?}" "${cpu:-?}"
      echo "$label $side $rate $seconds ${rss:-0} ${cpu:-0}" >>"$results"
    done <<<"$out"
  done
}

# In process first, with no cluster running. `offers-trim64m` repeats it
# with glibc's heap trim threshold raised to 64 MiB on both sides: it shows
# how much of the Rust figure is the allocator returning the freed batch to
# the kernel and faulting it back in on the next one (see the README).
workload offers offers "$offer_seconds"
workload offers-batch offers-batch "$offer_seconds"
run_env=(MALLOC_TRIM_THRESHOLD_=67108864)
workload offers-trim64m offers "$offer_seconds"
run_env=()
workload offers-v1 offers-v1 "$offer_seconds"

if wanted calls || wanted calls-paired || wanted storm || wanted storm-paired || wanted storm-v1; then
  cluster_up "$base_dir/cluster" 1
  workload calls calls "$master" "$call_seconds"
  paired_workload calls-paired calls-paired "$master" "$call_seconds"
  for n in $storm_sizes; do
    workload "storm-$n" storm "$master" "$n"
    paired_workload "storm-paired-$n" storm-paired "$master" "$n"
    workload "storm-v1-$n" storm-v1 "$master" "$n"
  done
  cluster_down
fi

# State and the log, with no Mesos cluster: every run on a fresh znode or
# directory, all under one scratch directory removed at the end.
if wanted state-zk || wanted state-leveldb || wanted log-append; then
  scratch=$base_dir/state
  rm -rf "$scratch"
  mkdir -p "$scratch"
  if wanted state-zk; then
    if zookeeper_up "$scratch/zookeeper" "$zk_port"; then
      workload state-zk state-zk "127.0.0.1:$zk_port" "/bench/@RUN@" "$state_seconds"
      zookeeper_down
    else
      echo "bench: skipping state-zk" >&2
    fi
  fi
  workload state-leveldb state-leveldb "$scratch/@RUN@" "$state_seconds"
  workload log-append log-append "$scratch/@RUN@" "$state_seconds"
  rm -rf "$scratch"
fi

# --- reference example memory ------------------------------------------------
reference_rss=
if [ "$reference" = 1 ]; then
  if [ -x /usr/bin/time ]; then
    echo "bench: reference example (four agents, reserve_cluster, then main)"
    cluster_up "$base_dir/reference" 4
    log=$base_dir/results/reference-main.log
    timeout -k 5 "$run_timeout" "$target_dir/release/examples/reserve_cluster" --master "$master" \
      >"$base_dir/results/reference-reserve.log" 2>&1 || die "reserve_cluster failed (log: $base_dir/results/reference-reserve.log)"
    if timeout -k 5 "$run_timeout" "${pin_bench[@]}" /usr/bin/time -v "$target_dir/release/examples/main" --master "$master" --cleanup \
      >"$log" 2>&1; then
      reference_rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
    else
      echo "bench: the reference example failed; see $log" >&2
    fi
    cluster_down
  else
    echo "bench: /usr/bin/time not found; skipping the reference example's peak RSS" >&2
  fi
fi

# --- summary ---------------------------------------------------------------------
echo
echo "$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); libmesos: $(readlink -f "$libdir/libmesos.so")"
echo "runs per side: $runs; calls: $call_seconds s; offers: $offer_seconds s; rates: median (min-max);"
echo "Rust/$other: ratio of the medians; paired: median of the per-round ratios"
echo
echo "| workload | unit | Rust | $other | Rust/$other | paired | median s, Rust / $other | peak RSS MB, Rust / $other |"
echo "|---|---|---|---|---|---|---|---|"
for label in "${labels[@]}"; do
  awk -v label="$label" '
    function sort(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
    }
    function median(a, n) { sort(a, n); return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2 }
    function fmt(x) { return x >= 1000 ? sprintf("%.0f", x) : sprintf("%.1f", x) }
    $1 == label && $2 == "rust" { r++; rr[r] = $3; rs[r] = $4; rm[r] = $5 }
    $1 == label && $2 == "cpp"  { c++; cr[c] = $3; cs[c] = $4; cm[c] = $5 }
    END {
      if (!r || !c) exit
      unit = label ~ /^calls/ ? "calls/s" : label ~ /^offers/ ? "offers/s" : \
        label ~ /^state-/ ? "store+fetch/s" : label ~ /^log-/ ? "appends/s" : "callbacks/s"
      # Paired: the median over rounds of Rust/C++ within a round (the two
      # runs back to back), which a drift of the machine affects less.
      for (i = 1; i <= r && i <= c; i++) pr[i] = rr[i] / cr[i]
      paired = median(pr, i - 1)
      rmed = median(rr, r); cmed = median(cr, c)
      printf "| %s | %s | %s (%s-%s) | %s (%s-%s) | %.3f | %.3f | %.4f / %.4f | %.1f / %.1f |\n",
        label, unit, fmt(rmed), fmt(rr[1]), fmt(rr[r]), fmt(cmed), fmt(cr[1]), fmt(cr[c]),
        rmed / cmed, paired, median(rs, r), median(cs, c), median(rm, r) / 1024, median(cm, c) / 1024
    }' "$results"
done
for n in $storm_sizes; do
  awk -v v0="storm-$n" -v v1="storm-v1-$n" '
    function median(a, k,   i, j, t) {
      for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
      return k % 2 ? a[(k+1)/2] : (a[k/2] + a[k/2+1]) / 2
    }
    $1 == v0 { n0[$2]++; r0[$2, n0[$2]] = $3 }
    $1 == v1 { n1[$2]++; r1[$2, n1[$2]] = $3 }
    END {
      for (side in n1) {
        if (!n0[side]) continue
        for (i = 1; i <= n0[side]; i++) a[i] = r0[side, i]; m0 = median(a, n0[side])
        for (i = 1; i <= n1[side]; i++) b[i] = r1[side, i]; m1 = median(b, n1[side])
        printf "v1/v0, %s, %s: %.3f\n", v1, side, m1 / m0
      }
    }' "$results"
done
echo
echo "CPU cost per item, median (whatever share of the CPU each run got):"
echo
echo "| workload | measured | Rust ns | $other ns | Rust/$other |"
echo "|---|---|---|---|---|"
for label in "${labels[@]}"; do
  awk -v label="$label" '
    $1 == label && $6 > 0 { n[$2]++; v[$2, n[$2]] = $6 }
    function median(side,   i, j, t, a, k) {
      k = n[side]; for (i = 1; i <= k; i++) a[i] = v[side, i]
      for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
      return k % 2 ? a[(k+1)/2] : (a[k/2] + a[k/2+1]) / 2
    }
    END {
      if (!n["rust"] || !n["cpp"]) exit
      what = label ~ /^calls/ ? "calling thread, per call" : \
        label ~ /^(state|log)-/ ? "whole process, per operation" : "whole process, per callback"
      r = median("rust"); c = median("cpp")
      printf "| %s | %s | %.1f | %.1f | %.3f |\n", label, what, r, c, r / c
    }' "$results"
done
echo
echo "calls-paired: calls, both sides in one process (the Rust bench), in alternating"
echo "blocks of 16384 calls; seconds are each side's time inside its blocks."
echo "storm-paired: storm, both sides in one process, taking turns; CPU is the"
echo "process's during that side's storms."
echo "offers: Rust = one offer serialized by the shim and decoded into a Rust Offer"
echo "(what a Rust scheduler pays per offer); C++ = one parse of the same bytes"
echo "(what libmesos pays per offer anyway), each offer freed before the next is"
echo "parsed. Cost per offer, Rust / one C++ parse = 1 / (Rust/C++)."
echo "offers-batch: the same Rust run; the C++ side parses the whole batch before"
echo "freeing it, as libmesos holds a ResourceOffersMessage's offers together."
echo "offers-trim64m: as offers, with MALLOC_TRIM_THRESHOLD_=64 MiB on both sides."
echo "offers-v1: the same batch as one v1 OFFERS event: Rust = serialized by the shim's"
echo "v1 callbacks and decoded for a Rust v1 scheduler; C++ = one parse of the event."
echo "state-zk, state-leveldb: one store of a new 100-byte value, then a fetch of it,"
echo "each waited for; Rust = mesos::state::State, C++ = libmesos's mesos::state::State."
echo "log-append: one 100-byte append to a one-replica log (quorum 1), waited for."
if [ -n "$reference_rss" ]; then
  stand_in=$(awk '$1 ~ /^storm-/ && $2 == "cpp" { print $1; exit }' "$results")
  stand_in_rss=$(awk -v l="$stand_in" '$1 == l && $2 == "cpp" { n++; a[n] = $5 }
    END { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
          if (n) printf "%.1f", (n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2) / 1024 }' "$results")
  echo
  echo "reference example (target/release/examples/main): peak RSS $(awk -v k="$reference_rss" 'BEGIN { printf "%.1f", k / 1024 }') MB;"
  if [ -n "$stand_in" ]; then
    echo "C++ stand-in (the C++ twin's $stand_in run, median): peak RSS $stand_in_rss MB"
  else
    echo "C++ stand-in: none (it is the C++ twin's storm run; BENCH_WORKLOADS left storm out)"
  fi
fi
echo
echo "bench: per-run logs and raw figures in $base_dir/results"
