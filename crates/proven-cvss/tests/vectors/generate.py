#!/usr/bin/env python3
"""Writes the test vectors of proven-cvss, scored by the reference implementation.

The scores come from the `cvss` package on PyPI (Red Hat Product Security's CVSS v2/v3/v4
library), the version pinned in REFERENCE below:

    python3 -m venv /tmp/cvss-venv
    /tmp/cvss-venv/bin/pip install cvss==3.6
    /tmp/cvss-venv/bin/python generate.py              # rewrites cvss2.tsv, cvss3.tsv, cvss4.tsv
    /tmp/cvss-venv/bin/python generate.py --exhaustive DIR

Each file holds, per version: every vector found in the OSV data under ../shared/data/osv
(`severity[].score` of every record and of every `affected[]`), every base vector where the base
space is small (v2, v3.0, v3.1), and random vectors from a fixed seed, some with temporal/threat,
environmental and supplemental metrics and some with their metrics shuffled out of order.

Columns, tab-separated; lines starting with '#' are comments:

    vector  base  severity  temporal  environmental  normalised

- base, severity: the base score and its rating (CVSS v4: CVSS-B, the vector cut to its base
  metrics).
- temporal: '-' unless the vector defines a temporal (v4: threat) metric; then the v2/v3 temporal
  score, or v4 CVSS-BT (the vector cut to base and threat metrics).
- environmental: '-' unless the vector defines an environmental metric; then the v2/v3
  environmental score, or the v4 score of the whole vector (CVSS-BE/BTE).
- normalised: the library's clean_vector() (specification order, Not Defined left out), '-' where
  it equals the vector.

--exhaustive DIR writes large files of the same format for a local run of the ignored test
`exhaustive` (PROVEN_CVSS_EXHAUSTIVE=DIR): every v4.0 base vector, every v3.0/v3.1 base vector with
every temporal combination, and every v3.0/v3.1 environmental combination.
"""

import argparse
import glob
import importlib.metadata
import itertools
import json
import os
import random
import sys
import zipfile

from cvss import CVSS2, CVSS3, CVSS4

REFERENCE = "3.6"
SEED = 20240917
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OSV = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data", "osv")

V2_BASE = [
    ("AV", "LAN"),
    ("AC", "HML"),
    ("Au", "MSN"),
    ("C", "NPC"),
    ("I", "NPC"),
    ("A", "NPC"),
]
V2_OPTIONAL = [
    ("E", ["ND", "U", "POC", "F", "H"]),
    ("RL", ["ND", "OF", "TF", "W", "U"]),
    ("RC", ["ND", "UC", "UR", "C"]),
    ("CDP", ["ND", "N", "L", "LM", "MH", "H"]),
    ("TD", ["ND", "N", "L", "M", "H"]),
    ("CR", ["ND", "L", "M", "H"]),
    ("IR", ["ND", "L", "M", "H"]),
    ("AR", ["ND", "L", "M", "H"]),
]
V2_TEMPORAL = {"E", "RL", "RC"}
V2_ENVIRONMENTAL = {"CDP", "TD", "CR", "IR", "AR"}

V3_BASE = [
    ("AV", "NALP"),
    ("AC", "LH"),
    ("PR", "NLH"),
    ("UI", "NR"),
    ("S", "UC"),
    ("C", "HLN"),
    ("I", "HLN"),
    ("A", "HLN"),
]
V3_OPTIONAL = [
    ("E", "XHFPU"),
    ("RL", "XUWTO"),
    ("RC", "XCRU"),
    ("CR", "XHML"),
    ("IR", "XHML"),
    ("AR", "XHML"),
    ("MAV", "XNALP"),
    ("MAC", "XLH"),
    ("MPR", "XNLH"),
    ("MUI", "XNR"),
    ("MS", "XUC"),
    ("MC", "XHLN"),
    ("MI", "XHLN"),
    ("MA", "XHLN"),
]
V3_TEMPORAL = {"E", "RL", "RC"}
V3_ENVIRONMENTAL = {name for name, _ in V3_OPTIONAL} - V3_TEMPORAL

V4_BASE = [
    ("AV", "NALP"),
    ("AC", "LH"),
    ("AT", "NP"),
    ("PR", "NLH"),
    ("UI", "NPA"),
    ("VC", "HLN"),
    ("VI", "HLN"),
    ("VA", "HLN"),
    ("SC", "HLN"),
    ("SI", "HLN"),
    ("SA", "HLN"),
]
V4_THREAT = [("E", "XAPU")]
V4_ENVIRONMENTAL = [
    ("CR", "XHML"),
    ("IR", "XHML"),
    ("AR", "XHML"),
    ("MAV", "XNALP"),
    ("MAC", "XLH"),
    ("MAT", "XNP"),
    ("MPR", "XNLH"),
    ("MUI", "XNPA"),
    ("MVC", "XHLN"),
    ("MVI", "XHLN"),
    ("MVA", "XHLN"),
    ("MSC", "XHLN"),
    ("MSI", "XSHLN"),
    ("MSA", "XSHLN"),
]
V4_SUPPLEMENTAL = [
    ("S", ["X", "N", "P"]),
    ("AU", ["X", "N", "Y"]),
    ("R", ["X", "A", "U", "I"]),
    ("V", ["X", "D", "C"]),
    ("RE", ["X", "L", "M", "H"]),
    ("U", ["X", "Clear", "Green", "Amber", "Red"]),
]
V4_BASE_NAMES = {name for name, _ in V4_BASE}
V4_THREAT_NAMES = {name for name, _ in V4_THREAT}
V4_ENVIRONMENTAL_NAMES = {name for name, _ in V4_ENVIRONMENTAL}


def fields(vector):
    """(metric, value) pairs of a vector, prefix dropped."""
    body = vector.split("/", 1)[1] if vector.startswith("CVSS:") else vector
    return [tuple(field.split(":", 1)) for field in body.split("/")]


def defines(vector, names, not_defined):
    return any(m in names and v != not_defined for m, v in fields(vector))


def score(value):
    return "-" if value is None else "{0:.1f}".format(value)


def normalised(vector, clean):
    return "-" if clean == vector else clean


def line_v2(vector):
    c = CVSS2(vector)
    base, temporal, environmental = c.scores()
    return "\t".join(
        [
            vector,
            score(base),
            c.severities()[0],
            score(temporal if defines(vector, V2_TEMPORAL, "ND") else None),
            score(environmental if defines(vector, V2_ENVIRONMENTAL, "ND") else None),
            normalised(vector, c.clean_vector()),
        ]
    )


def line_v3(vector):
    c = CVSS3(vector)
    base, temporal, environmental = c.scores()
    return "\t".join(
        [
            vector,
            score(base),
            c.severities()[0],
            score(temporal if defines(vector, V3_TEMPORAL, "X") else None),
            score(environmental if defines(vector, V3_ENVIRONMENTAL, "X") else None),
            normalised(vector, c.clean_vector()),
        ]
    )


def cut_v4(vector, keep):
    kept = ["{0}:{1}".format(m, v) for m, v in fields(vector) if m in keep]
    return CVSS4("CVSS:4.0/" + "/".join(kept))


def line_v4(vector):
    whole = CVSS4(vector)
    base = cut_v4(vector, V4_BASE_NAMES)
    temporal = None
    if defines(vector, V4_THREAT_NAMES, "X"):
        temporal = cut_v4(vector, V4_BASE_NAMES | V4_THREAT_NAMES).scores()[0]
    environmental = None
    if defines(vector, V4_ENVIRONMENTAL_NAMES, "X"):
        environmental = whole.scores()[0]
    return "\t".join(
        [
            vector,
            score(base.scores()[0]),
            base.severities()[0],
            score(temporal),
            score(environmental),
            normalised(vector, whole.clean_vector()),
        ]
    )


def random_vector(rng, prefix, base, optional, p_optional, p_shuffle):
    metrics = [(m, rng.choice(list(values))) for m, values in base]
    metrics += [(m, rng.choice(list(values))) for m, values in optional if rng.random() < p_optional]
    if rng.random() < p_shuffle:
        rng.shuffle(metrics)
    return prefix + "/".join("{0}:{1}".format(m, v) for m, v in metrics)


def every_base(prefix, base):
    names = [m for m, _ in base]
    for values in itertools.product(*[list(v) for _, v in base]):
        yield prefix + "/".join("{0}:{1}".format(m, v) for m, v in zip(names, values))


def osv_vectors(osv_dir):
    """Every CVSS vector of the OSV records, by OSV severity type."""
    found = {"CVSS_V2": set(), "CVSS_V3": set(), "CVSS_V4": set()}
    zips = sorted(glob.glob(os.path.join(osv_dir, "*", "all.zip")))
    if not zips:
        sys.exit("no OSV data under {0} (pass --osv DIR)".format(osv_dir))
    for path in zips:
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                record = json.loads(archive.read(name))
                severities = list(record.get("severity") or [])
                for affected in record.get("affected") or []:
                    severities += affected.get("severity") or []
                for severity in severities:
                    kind, vector = severity.get("type"), severity.get("score")
                    if kind not in found:
                        sys.exit("unexpected OSV severity type {0!r} in {1}".format(kind, name))
                    found[kind].add(vector)
    return {kind: sorted(vectors) for kind, vectors in found.items()}


def write(path, sections, to_line):
    """Writes sections of (title, vectors), each vector once, in the first section that has it."""
    seen = set()
    with open(path, "w") as out:
        out.write(
            "# Generated by generate.py with the cvss package {0} from PyPI; do not edit.\n".format(
                REFERENCE
            )
        )
        out.write("# vector\tbase\tseverity\ttemporal\tenvironmental\tnormalised\n")
        for title, vectors in sections:
            vectors = [v for v in vectors if v not in seen]
            seen.update(vectors)
            out.write("# {0}: {1} vectors\n".format(title, len(vectors)))
            for vector in vectors:
                out.write(to_line(vector) + "\n")
    print("{0}: {1} vectors".format(os.path.basename(path), len(seen)), file=sys.stderr)


def write_all(path, vectors, to_line):
    """Writes every vector of an iterator, for the exhaustive files too large to hold at once."""
    count = 0
    with open(path, "w") as out:
        out.write("# vector\tbase\tseverity\ttemporal\tenvironmental\tnormalised\n")
        for vector in vectors:
            out.write(to_line(vector) + "\n")
            count += 1
    print("{0}: {1} vectors".format(os.path.basename(path), count), file=sys.stderr)


def generate(osv_dir):
    osv = osv_vectors(osv_dir)
    rng = random.Random(SEED)

    write(
        os.path.join(HERE, "cvss2.tsv"),
        [
            ("OSV data", osv["CVSS_V2"]),
            ("every base vector not listed above", list(every_base("", V2_BASE))),
            (
                "random, temporal and environmental metrics, seed {0}".format(SEED),
                [random_vector(rng, "", V2_BASE, V2_OPTIONAL, 0.4, 0.2) for _ in range(3000)],
            ),
        ],
        line_v2,
    )

    randoms_v3 = []
    for _ in range(4000):
        prefix = rng.choice(["CVSS:3.0/", "CVSS:3.1/"])
        randoms_v3.append(random_vector(rng, prefix, V3_BASE, V3_OPTIONAL, 0.35, 0.2))
    write(
        os.path.join(HERE, "cvss3.tsv"),
        [
            ("OSV data", osv["CVSS_V3"]),
            ("every v3.1 base vector not listed above", list(every_base("CVSS:3.1/", V3_BASE))),
            ("every v3.0 base vector not listed above", list(every_base("CVSS:3.0/", V3_BASE))),
            ("random, temporal and environmental metrics, seed {0}".format(SEED), randoms_v3),
        ],
        line_v3,
    )

    optional_v4 = V4_THREAT + V4_ENVIRONMENTAL + V4_SUPPLEMENTAL
    write(
        os.path.join(HERE, "cvss4.tsv"),
        [
            ("OSV data", osv["CVSS_V4"]),
            (
                "random base vectors, seed {0}".format(SEED),
                [random_vector(rng, "CVSS:4.0/", V4_BASE, [], 0, 0.1) for _ in range(4000)],
            ),
            (
                "random, threat, environmental and supplemental metrics, seed {0}".format(SEED),
                [
                    random_vector(rng, "CVSS:4.0/", V4_BASE, optional_v4, 0.3, 0.2)
                    for _ in range(2500)
                ],
            ),
        ],
        line_v4,
    )


def exhaustive(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    write_all(os.path.join(out_dir, "cvss4-base.tsv"), every_base("CVSS:4.0/", V4_BASE), line_v4)
    temporal = [(m, v.replace("X", "")) for m, v in V3_OPTIONAL if m in V3_TEMPORAL]
    environmental = [(m, v.replace("X", "")) for m, v in V3_OPTIONAL if m in V3_ENVIRONMENTAL]
    for minor in ("3.0", "3.1"):
        prefix = "CVSS:{0}/".format(minor)
        write_all(
            os.path.join(out_dir, "cvss{0}-temporal.tsv".format(minor)),
            every_base(prefix, V3_BASE + temporal),
            line_v3,
        )
        # The modified metrics, all defined, override the base metrics, so a fixed base covers
        # every environmental combination.
        fixed = prefix + "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/"
        write_all(
            os.path.join(out_dir, "cvss{0}-environmental.tsv".format(minor)),
            every_base(fixed, temporal + environmental),
            line_v3,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--osv", default=DEFAULT_OSV, help="folder of <ecosystem>/all.zip OSV exports")
    parser.add_argument("--exhaustive", metavar="DIR", help="write the exhaustive files to DIR instead")
    args = parser.parse_args()
    found = importlib.metadata.version("cvss")
    if found != REFERENCE:
        sys.exit("expected cvss=={0}, found {1}".format(REFERENCE, found))
    if args.exhaustive:
        exhaustive(args.exhaustive)
    else:
        generate(args.osv)


if __name__ == "__main__":
    main()
