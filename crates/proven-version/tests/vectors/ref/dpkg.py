#!/usr/bin/env python3
"""Debian reference: `dpkg --compare-versions`; any syntax warning or error counts as invalid."""
import subprocess
import sys


def dpkg(a, op, b):
    r = subprocess.run(["dpkg", "--compare-versions", a, op, b], capture_output=True, text=True)
    return r.returncode, r.stderr


for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    if len(f) == 1:
        rc, err = dpkg(f[0], "eq", f[0])
        print(f"{f[0]}\t{'valid' if rc == 0 and not err else 'invalid'}")
    else:
        if dpkg(f[0], "lt", f[1])[0] == 0:
            c = -1
        elif dpkg(f[0], "eq", f[1])[0] == 0:
            c = 0
        else:
            c = 1
        print(f"{f[0]}\t{f[1]}\t{c}")
