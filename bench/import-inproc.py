#!/usr/bin/env python3
"""CPU time of the Import-Module call alone, read inside fresh pwsh processes (the process's TotalProcessorTime, all
threads, just before and just after the call), beside an empty manifest module, so that the start's own variance
(+-50 ms of CPU here) drops out; wall time of the call too. Each round runs every module once, in a rotating order;
figures are medians over the processes. A module may name an environment variable to set for its processes.

Usage: import-inproc.py --runs N PWSH NAME=MANIFEST[@VAR=VALUE] ...
e.g.   python3 bench/import-inproc.py --runs 30 "$(dotnet pwsh -NoProfile -Command '[IO.Path]::Combine($PSHOME, "pwsh")')" \\
           before=/tmp/before/DockerTls/DockerTls.psd1 after=output/DockerTls/DockerTls.psd1
"""
import os, statistics, subprocess
from pwsh_bench import empty_module, parse_args
args = parse_args()
empty = empty_module()
items = [("empty", empty, None)]
for item in args.modules:
    name, rest = item.split("=", 1)
    manifest, _, env = rest.partition("@")
    items.append((name, os.path.abspath(manifest), env or None))
script = ("$p = [Diagnostics.Process]::GetCurrentProcess(); $c = $p.TotalProcessorTime; "
          "$s = [Diagnostics.Stopwatch]::GetTimestamp(); Import-Module '{0}'; $e = [Diagnostics.Stopwatch]::GetTimestamp(); "
          "$p.Refresh(); '{{0}} {{1}}' -f ($p.TotalProcessorTime - $c).TotalMilliseconds, (($e - $s) * 1000 / [Diagnostics.Stopwatch]::Frequency)")
cpu = {n: [] for n, _, _ in items}
wall = {n: [] for n, _, _ in items}
for i in range(args.runs):
    k = i % len(items)
    for name, manifest, env in items[k:] + items[:k]:
        e = dict(os.environ)
        if env:
            a, b = env.split("=", 1); e[a] = b
        out = subprocess.run([args.pwsh, "-NoProfile", "-NonInteractive", "-Command", script.format(manifest)],
                             env=e, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise SystemExit(f"{name}: {out.stderr}")
        c, w = out.stdout.split()[-2:]
        cpu[name].append(float(c)); wall[name].append(float(w))
base = statistics.median(cpu["empty"])
for name, _, _ in items:
    print(f"{name:10s} Import-Module CPU median {statistics.median(cpu[name]):6.0f} ms ({statistics.median(cpu[name]) - base:+5.0f} over empty), "
          f"wall median {statistics.median(wall[name]):6.0f} ms ({args.runs} processes)")
