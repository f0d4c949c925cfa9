#!/usr/bin/env python3
"""Times whole commands side by side, interleaved: round after round, each command runs once (in a rotating order),
after its --prepare command. Blocks of runs (all runs of one command, then all of the next, as hyperfine does) were
not comparable on this machine: a bare PowerShell start drifted from 0.45 s to 0.82 s within minutes. Interleaved,
each round sees the same machine, and every round gives each command's ratio to the first (the peer).

Usage: interleave.py --runs N [--warmup W] [--prepare CMD] [--prepare-for NAME=CMD ...] --export-json FILE NAME=CMD [NAME=CMD ...]
--prepare runs, untimed, before every command; --prepare-for NAME=CMD after it, before the command NAME only (as
bench/pwsh-prompt.sh starts the pwsh that the timed command then hands its script to).
Prints a summary and writes JSON: {"results": [{"command", "median", "mean", "times"}], "ratios": {name: median},
"ci95": {name: [low, high]}}. ci95 is a 95% bootstrap interval of each command's ratio of medians to the peer's:
whole rounds are drawn again with replacement (2,000 times, fixed seed), so that a figure near a goal shows how
far its noise reaches.
"""
import argparse
import json
import random
import statistics
import subprocess
import sys
import time


def run(command):
    start = time.perf_counter()
    done = subprocess.run(command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"command failed ({done.returncode}): {command}\n{done.stderr.decode(errors='replace')}")
    return elapsed


def bootstrap(times, peer_times, draws=2000):
    """A 95% interval of median(times) / median(peer_times), drawing whole rounds again with replacement."""
    rng = random.Random(1)
    rounds = list(zip(times, peer_times))
    ratios = sorted(
        statistics.median(t for t, _ in sample) / statistics.median(p for _, p in sample)
        for sample in ([rng.choice(rounds) for _ in rounds] for _ in range(draws)))
    return [ratios[int(0.025 * draws)], ratios[int(0.975 * draws) - 1]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--prepare", default=None)
    parser.add_argument("--prepare-for", action="append", default=[], help="NAME=CMD: untimed, before NAME only")
    parser.add_argument("--export-json", required=True)
    parser.add_argument("commands", nargs="+", help="NAME=CMD; the first is the peer the ratios are against")
    args = parser.parse_args()
    commands = [tuple(c.split("=", 1)) for c in args.commands]
    times = {name: [] for name, _ in commands}
    prepare_for = dict(c.split("=", 1) for c in args.prepare_for)
    unknown = set(prepare_for) - set(times)
    if unknown:
        sys.exit(f"--prepare-for names no command: {', '.join(sorted(unknown))}")

    for round_number in range(args.warmup + args.runs):
        shift = round_number % len(commands)
        for name, command in commands[shift:] + commands[:shift]:
            if args.prepare:
                subprocess.run(args.prepare, shell=True, check=True)
            if name in prepare_for:
                subprocess.run(prepare_for[name], shell=True, check=True)
            elapsed = run(command)
            if round_number >= args.warmup:
                times[name].append(elapsed)

    peer = commands[0][0]
    results = [{"command": name, "median": statistics.median(t), "mean": statistics.mean(t), "times": t} for name, t in times.items()]
    ratios = {name: statistics.median(a / b for a, b in zip(t, times[peer])) for name, t in times.items()}
    ci95 = {name: bootstrap(t, times[peer]) for name, t in times.items()}
    with open(args.export_json, "w") as f:
        json.dump({"results": results, "ratios": ratios, "ci95": ci95}, f, indent=1)
    for r in results:
        print(f"{r['command']:>14}: median {r['median']:.3f} s, mean {r['mean']:.3f} s, "
              f"min {min(r['times']):.3f} s, max {max(r['times']):.3f} s ({len(r['times'])} runs); "
              f"median ratio to {peer} {ratios[r['command']]:.2f}; ratio of medians {r['median'] / statistics.median(times[peer]):.2f}, "
              f"95% interval {ci95[r['command']][0]:.2f} to {ci95[r['command']][1]:.2f}")


if __name__ == "__main__":
    main()
