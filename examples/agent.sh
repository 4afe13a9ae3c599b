#!/bin/sh
# An example agent for the subprocess world (contract section 11), in POSIX sh so that a process
# costs a few milliseconds to start (a Node.js script costs 50 to 300). It reads the attempt as
# one JSON line on stdin ({"wave", "task_id", "agent_id", "attempt", "p", "predicted_time_s"}),
# "works" for a short while, and exits 0 (success) or 1 (failure).
#
# The decision is a pure function of the attempt, so a run is repeatable: u = CRC-32 (cksum) of
# "<task_id>/<agent_id>/<attempt>" / 2^32, in [0, 1); the attempt succeeds when u < p, the
# Phase 20 prediction (calibrated by construction; a retry has another attempt number and draws
# again). It sleeps predicted_time_s x AGENT_TIME_SCALE seconds (default 0.001, at most 2 s;
# a fractional `sleep` as GNU, BSD and busybox have), prints one JSON line on stdout, and a line
# on stderr when it fails. Try it:
#   echo '{"wave":1,"task_id":"t1","agent_id":"a","attempt":0,"p":0.5,"predicted_time_s":30}' | examples/agent.sh
set -u
IFS= read -r line || { echo "agent.sh: expected the attempt as one JSON line on stdin" >&2; exit 2; }
fields=$(printf '%s\n' "$line" | awk '
  function str(k,   m) { if (match($0, "\"" k "\":\"[^\"]*\"")) { m = substr($0, RSTART, RLENGTH); sub("^\"" k "\":\"", "", m); sub("\"$", "", m); return m } return "" }
  function num(k,   m) { if (match($0, "\"" k "\":[-0-9.eE+]+")) { m = substr($0, RSTART, RLENGTH); sub("^\"" k "\":", "", m); return m } return "0" }
  { printf "%s\t%s\t%s\t%s\t%s\n", str("task_id"), str("agent_id"), num("attempt"), num("p"), num("predicted_time_s") }')
tab=$(printf '\t')
IFS=$tab read -r task agent attempt p predicted <<EOF_FIELDS
$fields
EOF_FIELDS
crc=$(printf '%s/%s/%s' "$task" "$agent" "$attempt" | cksum)
crc=${crc%% *}
set -- $(awk -v crc="$crc" -v p="$p" -v t="$predicted" -v k="${AGENT_TIME_SCALE:-0.001}" 'BEGIN {
  u = crc / 4294967296; s = t * k; if (s > 2) s = 2; if (s < 0) s = 0
  printf "%.6f %s %.3f\n", u, (u < p ? "true" : "false"), s }')
u=$1 succeeded=$2 sleep_s=$3
sleep "$sleep_s"
printf '{"task_id":"%s","agent_id":"%s","attempt":%s,"u":%s,"succeeded":%s}\n' "$task" "$agent" "$attempt" "$u" "$succeeded"
if [ "$succeeded" = true ]; then exit 0; fi
echo "task $task failed on $agent (u $u >= p $p)" >&2
exit 1
