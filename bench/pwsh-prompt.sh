#!/usr/bin/env bash
# A command timed as typed at an administrator's prompt, for bench/interleave.py: `start` (an untimed --prepare-for)
# starts a pwsh (bench/pwsh-prompt.ps1) and returns once it is idle; `run` (the timed command) hands it a script and
# returns when the script ends. So the time is the script's (Import-Module, the pipeline, the first use of their
# code), without PowerShell's own start, which a fresh `pwsh -File` pays and a prompt paid when it opened.
# Usage: bench/pwsh-prompt.sh start DIR PWSH | bench/pwsh-prompt.sh run DIR SCRIPT | bench/pwsh-prompt.sh stop DIR
set -euo pipefail
mode=$1 dir=$2
stop() {
    if [ -f "$dir/pid" ]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; rm -f "$dir/pid"; fi
}
case $mode in
start)
    mkdir -p "$dir"
    stop
    rm -f "$dir/go" "$dir/done" "$dir/ready"
    mkfifo "$dir/go" "$dir/done"
    "$3" -NoProfile -NonInteractive -File "$(dirname "${BASH_SOURCE[0]}")/pwsh-prompt.ps1" -Dir "$dir" >"$dir/log" 2>&1 </dev/null &
    echo $! >"$dir/pid"
    for _ in $(seq 600); do [ -f "$dir/ready" ] && exit 0; sleep 0.1; done
    echo "the prompt's pwsh did not start in 60 s (log: $dir/log)" >&2; stop; exit 1 ;;
run)
    [ -f "$dir/ready" ] || { echo "no prompt started in $dir" >&2; exit 1; }
    result=$(timeout 600 bash -c 'printf "%s\n" "$1" >"$2/go" && cat "$2/done"' bash "$3" "$dir") || { echo "the prompt did not answer (log: $dir/log)" >&2; stop; exit 1; }
    rm -f "$dir/pid" "$dir/ready"
    [ "$result" = ok ] || { echo "$result" >&2; cat "$dir/log" >&2; exit 1; } ;;
stop) stop ;;
*) echo "usage: bench/pwsh-prompt.sh start DIR PWSH | run DIR SCRIPT | stop DIR" >&2; exit 2 ;;
esac
