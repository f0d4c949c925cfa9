#!/usr/bin/env python3
"""CPU time (user + system, all threads, from wait4) that `Import-Module` adds to a bare start of a pwsh, for one or
more builds of a module beside an empty manifest module; wall time too. On a machine whose load makes wall times
swing by seconds (bench/README.md), CPU time moves far less, since waiting for a core is not counted. Round after
round, each command runs once, in a rotating order; the figure is the median of the per-round differences to bare.

Usage: import-cpu.py --runs N PWSH NAME=MANIFEST [NAME=MANIFEST ...]
e.g.   python3 bench/import-cpu.py --runs 15 "$(dotnet pwsh -NoProfile -Command '[IO.Path]::Combine($PSHOME, "pwsh")')" \\
           before=/tmp/before/DockerTls/DockerTls.psd1 after=output/DockerTls/DockerTls.psd1
"""
import os
import statistics
import time

from pwsh_bench import empty_module, parse_args

args = parse_args()
empty = empty_module()
commands = {"bare": "exit", "empty": f"Import-Module '{empty}'"}
for item in args.modules:
    name, manifest = item.split("=", 1)
    commands[name] = f"Import-Module '{os.path.abspath(manifest)}'"

names = list(commands)
cpu = {k: [] for k in names}
wall = {k: [] for k in names}
for i in range(args.runs):
    for name in names[i % len(names):] + names[:i % len(names)]:
        start = time.perf_counter()
        pid = os.posix_spawn(args.pwsh, [args.pwsh, "-NoProfile", "-NonInteractive", "-Command", commands[name]], os.environ)
        _, status, usage = os.wait4(pid, 0)
        if status != 0:
            raise SystemExit(f"{name} failed with status {status}: {commands[name]}")
        wall[name].append(time.perf_counter() - start)
        cpu[name].append(usage.ru_utime + usage.ru_stime)
for name in names:
    added = 1000 * statistics.median(c - b for c, b in zip(cpu[name], cpu["bare"]))
    print(f"{name:8s} CPU median {statistics.median(cpu[name]):.3f} s, +{added:.0f} ms over bare (median of per-round "
          f"differences); wall median {statistics.median(wall[name]):.2f} s ({args.runs} rounds)")
