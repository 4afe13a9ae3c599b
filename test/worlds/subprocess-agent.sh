#!/bin/sh
# The test agent of test/worlds/subprocess*.test.ts: success decided by the task, as the tests
# expect it. Task t<w>_<n>: exit 0 when n is even, 3 when odd. t1_1 sleeps past any timeout;
# t1_2 prints 5000 bytes (neither when PLAIN is set); every task of wave 2 sleeps 30 s when SLOW_WAVE_2 is set. Each
# process appends its pid (and that of any child it starts) to $PIDS/<task>.pid.
IFS= read -r line
task=$(printf '%s' "$line" | sed 's/.*"task_id":"\([^"]*\)".*/\1/')
wave=$(printf '%s' "$line" | sed 's/.*"wave":\([0-9]*\).*/\1/')
n=${task##*_}
echo $$ >> "$PIDS/$task.pid"
if [ "$wave" = 2 ] && [ -n "${SLOW_WAVE_2:-}" ]; then
  sleep 30 & echo $! >> "$PIDS/$task.pid"; wait
fi
[ -n "${PLAIN:-}" ] || case "$task" in
  t1_1) sleep 30 & echo $! >> "$PIDS/$task.pid"; wait ;;
  t1_2) i=0; while [ $i -lt 50 ]; do printf '%0100d' 0; i=$((i + 1)); done ;;
esac
sleep "${WORK_S:-0.3}"
echo "ran $task"
[ $((n % 2)) -eq 0 ] && exit 0
echo "task $task failed" >&2
exit 3
