#!/usr/bin/python3
"""RPM reference: librpm through python3-rpm; rpm.ver parses [epoch:]version[-release]."""
import sys

import rpm

for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    if len(f) == 1:
        try:
            rpm.ver(f[0])
            print(f"{f[0]}\tvalid")
        except ValueError:
            print(f"{f[0]}\tinvalid")
    else:
        a, b = rpm.ver(f[0]), rpm.ver(f[1])
        print(f"{f[0]}\t{f[1]}\t{(a > b) - (a < b)}")
