"""Shared helpers for the side-by-side benchmarks: run a command several times, alternating with
the peer, and report the median wall-clock time and the peak resident memory of each."""
import os
import statistics
import subprocess
import tempfile


def measure(cmd, cwd=None, env=None):
    """Runs cmd once under /usr/bin/time; returns (wall seconds, peak RSS in MB, exit code)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        full = ["/usr/bin/time", "-f", "%e %M", "-o", t.name] + cmd
        p = subprocess.run(full, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        last = t.read().strip().splitlines()[-1].split()
        return float(last[0]), int(last[1]) / 1024.0, p.returncode


def compare(cases, runs=5, out=print):
    """cases: list of (label, ours_cmd, peer_cmd, cwd). Alternates ours and the peer, `runs` times."""
    rows = []
    for label, ours, peer, cwd in cases:
        ow, om, pw, pm = [], [], [], []
        for _ in range(runs):
            w, m, _ = measure(ours, cwd)
            ow.append(w)
            om.append(m)
            if peer:
                w, m, _ = measure(peer, cwd)
                pw.append(w)
                pm.append(m)
        row = {
            "case": label,
            "ours_s": statistics.median(ow),
            "ours_mb": max(om),
            "peer_s": statistics.median(pw) if pw else None,
            "peer_mb": max(pm) if pm else None,
        }
        rows.append(row)
    out(f"{'case':<46} {'ours s':>8} {'ours MB':>8} {'peer s':>8} {'peer MB':>8} {'speed×':>8} {'mem ratio':>9}")
    for r in rows:
        if r["peer_s"] is not None:
            speed = r["peer_s"] / max(r["ours_s"], 0.001)
            mem = r["ours_mb"] / r["peer_mb"]
            out(f"{r['case']:<46} {r['ours_s']:>8.3f} {r['ours_mb']:>8.1f} {r['peer_s']:>8.3f} {r['peer_mb']:>8.1f} {speed:>8.1f} {mem:>9.3f}")
        else:
            out(f"{r['case']:<46} {r['ours_s']:>8.3f} {r['ours_mb']:>8.1f}")
    return rows


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
