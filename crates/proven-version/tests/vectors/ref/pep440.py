#!/usr/bin/env python3
"""PEP 440 reference: the `packaging` library (pip install packaging)."""
import sys

from packaging.version import InvalidVersion, Version

for line in sys.stdin:
    fields = line.rstrip("\n").split("\t")
    if len(fields) == 1:
        try:
            Version(fields[0])
            print(f"{fields[0]}\tvalid")
        except InvalidVersion:
            print(f"{fields[0]}\tinvalid")
    else:
        a, b = Version(fields[0]), Version(fields[1])
        print(f"{fields[0]}\t{fields[1]}\t{(a > b) - (a < b)}")
