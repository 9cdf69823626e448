#!/usr/bin/env python3
"""Pair versions for comparison, deterministically (fixed seed).

usage: pairs.py VALID_FILE EDGE_FILE COUNT > pairs

A third of the pairs are uniformly random, a third are neighbours in a plain string
sort (versions that share a prefix are the ones an ordering gets wrong), and the rest
put every valid edge case against random versions and against each other.
"""
import random
import sys

valid_path, edge_path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
valid = [v for v in open(valid_path, encoding="utf-8").read().split("\n") if v]
valid_set = set(valid)
edge = [v for v in open(edge_path, encoding="utf-8").read().split("\n") if v in valid_set]
rng = random.Random(20240229)
pairs = []
seen = set()


def add(a, b):
    if (a, b) not in seen:
        seen.add((a, b))
        pairs.append((a, b))


def swap(a, b):
    return (a, b) if rng.random() < 0.5 else (b, a)


if len(valid) >= 2:
    for _ in range(count // 3):
        add(*rng.sample(valid, 2))
    ordered = sorted(valid)
    step = max(1, len(ordered) // (count // 3 + 1))
    for i in range(0, len(ordered) - 1, step):
        add(*swap(ordered[i], ordered[i + 1]))
    for e in edge:
        add(e, e)
        for _ in range(3):
            add(*swap(e, rng.choice(valid)))
    budget = max(0, count - len(pairs))
    all_edge = [(a, b) for i, a in enumerate(edge) for b in edge[i + 1:]]
    rng.shuffle(all_edge)
    for a, b in all_edge[:budget]:
        add(*swap(a, b))
for a, b in pairs:
    sys.stdout.write(f"{a}\t{b}\n")
