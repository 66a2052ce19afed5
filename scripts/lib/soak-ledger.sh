# shellcheck shell=bash
# Sourced by scripts/soak.sh: reading the soak framework's ledger (one
# event a line, `<unix ms> <event> <fields>`, see
# tools/src/bin/soak_framework.rs) and the faults file (one fault a line,
# `<unix ms> <kind> <recovered ms or timeout> <held s> <description>`).
#
#   recovered_after MS   waits until a task launched after MS is running;
#                        prints how many ms after MS that was, or
#                        "timeout" after $recovery_timeout seconds
#   ledger_report LEDGER FAULTS
#                        prints the ledger's table and the faults', and
#                        returns 1 when an invariant broke
#
# A status line is `state TASK STATE REASON SOURCE MADE`, MADE being when
# the update was made (by the executor, agent or master), in ms. Once a
# task has ended, what follows is mostly no news, and is counted as such:
# an agent resends the updates it had no acknowledgement for (so an old
# TASK_RUNNING can arrive after the master already said how the task
# ended: it was made before that end), and a master asked about a task
# whose end it has forgotten answers TASK_GONE (or TASK_LOST). Two things
# are news: a TASK_RUNNING made after the task's end (it ran twice), and
# a task counted lost (lost, gone, dropped, unknown) that then ended
# otherwise (finished, failed, killed): its real end stands, and the
# framework was wrong to count it lost.

# shellcheck disable=SC2154 # recovery_timeout and ledger are the sourcing script's
recovered_after() {
  local since=$1 deadline=$((SECONDS + recovery_timeout)) at
  while [ $SECONDS -lt $deadline ]; do
    at=$(awk -v since="$since" '
      $1 > since && $2 == "launched" { fresh[$3] = 1 }
      $1 > since && $2 == "state" && $4 == "TASK_RUNNING" && fresh[$3] { print $1; exit }' "$ledger")
    if [ -n "$at" ]; then
      echo $((at - since))
      return
    fi
    sleep 0.5
  done
  echo timeout
}

ledger_report() {
  local ledger=$1 faults=$2 ok=0
  awk '
    function gone(s) { return s ~ /^TASK_(LOST|GONE|GONE_BY_OPERATOR|DROPPED|UNKNOWN)$/ }
    function terminal(s) { return s !~ /^TASK_(STAGING|STARTING|RUNNING|KILLING|UNREACHABLE)$/ }
    $2 == "launched" { if (launched[$3]++) twice[$3] = 1; order[++n] = $3 }
    $2 == "state" {
      t = $3; s = $4
      # An older ledger has no MADE: its arrival stands in.
      made = (NF >= 7 && $7 != "-") ? $7 + 0 : $1 + 0
      if (s == "TASK_UNREACHABLE") unreachable[t] = 1
      if (ended[t] == "") {
        if (terminal(s)) { ended[t] = s; end_made[t] = made }
      } else if (s == "TASK_RUNNING" && made > end_made[t]) {
        twice[t] = 1
      } else if (terminal(s) && !gone(s) && gone(ended[t])) {
        changed[t] = 1; ended[t] = s; end_made[t] = made
      } else {
        late++
      }
    }
    $2 == "registered" { ids[$3] = 1 }
    END {
      for (i = 1; i <= n; i++) {
        t = order[i]; s = ended[t]
        if (s == "") never++
        else if (s == "TASK_FINISHED") finished++
        else if (gone(s)) lost++
        else failed++
        if (unreachable[t]) { cut++; if (s != "" && !gone(s)) back++ }
      }
      for (t in twice) dup++
      for (t in changed) nchanged++
      for (id in ids) nids++
      printf "| launched | finished | failed | lost | unreachable (came back) | final state never learned | running twice | counted lost, then ended | framework ids |\n"
      printf "|---|---|---|---|---|---|---|---|---|\n"
      printf "| %d | %d | %d | %d | %d (%d) | %d | %d | %d | %d |\n", n, finished, failed, lost, cut, back, never, dup, nchanged, nids
      if (late) printf "\n%d updates about tasks already ended were no news (copies resent after a partition or a failover, old updates arriving late, TASK_GONE from a master that forgot an ended task)\n", late
      exit (never > 0 || dup > 0 || nchanged > 0 || nids != 1)
    }' "$ledger" || ok=1
  echo
  echo "| fault | held (s) | recovered after (ms) |"
  echo "|---|---|---|"
  awk '{ name = $5; for (i = 6; i <= NF; i++) name = name " " $i; printf "| %s | %s | %s |\n", name, $4, $3 }' "$faults"
  awk '{ kinds[$2]++ } END { for (k in kinds) line = line (line ? ", " : "") k " " kinds[k]; if (line) print "\nfaults: " line }' "$faults"
  awk '$3 != "timeout" { v[++n] = $3 } $3 == "timeout" { t++ }
    END {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) { x = v[j]; v[j] = v[j-1]; v[j-1] = x }
      if (n) printf "\nrecovery ms: p50 %d, p90 %d, max %d", v[int((n + 1) / 2)], v[int(n * 0.9 + 0.999)], v[n]
      printf "; %d without recovery\n", t
      exit t > 0
    }' "$faults" || ok=1
  return $ok
}
