#!/usr/bin/env python3
"""How many workers should race for the kit's three RSA keys, by core count: a simulation from measured key times.

This machine has 2 cores, so the race cannot be timed on 4 or 8 here. Instead: time N RSA 4096 keys one after
another with `openssl genrsa` (the generator .NET uses on Linux; one key takes as long either way, see
bench/rsa-keys.ps1), then replay KeyRace with keys drawn from those times: W workers each make keys until three
are done, a worker's key in the making is dropped then, and W workers on C cores each run at min(1, C/W) of a core
(ideal sharing, no other load). Prints the median and mean time to three keys, in seconds, per cores and workers.

Usage: race-sim.py [--keys N] [--times FILE] [--draws D]
  --times FILE  reuse key times (a JSON list of seconds) instead of timing new keys; new times are saved to
                bench/results/rsa-key-times.json
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import time


def time_keys(n):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run(["openssl", "genrsa", "-out", "/dev/null", "4096"], stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def race(draw, workers, cores, count=3):
    """Time until `count` keys are done by `workers` workers sharing `cores` cores."""
    left = [draw() for _ in range(workers)]  # work left on each worker's key, in seconds of one core
    now, done = 0.0, 0
    while True:
        speed = min(1.0, cores / len(left))
        i = min(range(len(left)), key=left.__getitem__)
        step = left[i] / speed
        now += step
        left = [w - step * speed for w in left]
        done += 1
        if done == count:
            return now
        left[i] = draw()  # the worker starts its next key


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=120)
    parser.add_argument("--times")
    parser.add_argument("--draws", type=int, default=20000)
    args = parser.parse_args()
    if args.times:
        times = json.load(open(args.times))
    else:
        times = time_keys(args.keys)
        folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "rsa-key-times.json"), "w") as f:
            json.dump(times, f)
    print(f"{len(times)} RSA 4096 keys: median {statistics.median(times):.2f} s, mean {statistics.mean(times):.2f} s, "
          f"min {min(times):.2f} s, max {max(times):.2f} s")
    rng = random.Random(1)
    draw = lambda: rng.choice(times)
    print("cores | workers | three keys: median | mean")
    for cores in (1, 2, 3, 4, 8):
        for workers in sorted({min(3, cores), cores, cores + 1, min(cores, 8)}):
            done = [race(draw, workers, cores) for _ in range(args.draws)]
            print(f"{cores:5} | {workers:7} | {statistics.median(done):6.2f} s | {statistics.mean(done):.2f} s")


if __name__ == "__main__":
    main()
