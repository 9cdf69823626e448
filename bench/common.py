"""Shared helpers for the side-by-side benchmarks: run a command several times, alternating with
the peer, and report the median wall-clock time and the peak resident memory of each."""
import collections
import os
import statistics
import subprocess
import time


Run = collections.namedtuple("Run", "wall cpu mb code")


def run(cmd, cwd=None, env=None):
    """Runs cmd once: wall seconds, user + system CPU seconds, peak RSS in MB, exit code. The wall
    time is taken around the child alone (finer than /usr/bin/time's 10 ms steps); CPU time and
    peak RSS are the child's own, from wait4. On a shared machine the wall time mostly measures
    the other tenants, so CPU time is worth reporting alongside."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, p.returncode)


def measure(cmd, cwd=None, env=None):
    """Runs cmd once; returns (wall seconds, peak RSS in MB, exit code)."""
    r = run(cmd, cwd, env)
    return r.wall, r.mb, r.code


def compare(cases, runs=5, out=print):
    """cases: list of (label, ours_cmd, peer_cmd, cwd). Alternates ours and the peer, `runs` times.
    Reports median wall and CPU seconds, peak RSS, and the ratios."""
    rows = []
    for label, ours, peer, cwd in cases:
        o, p = [], []
        for _ in range(runs):
            o.append(run(ours, cwd))
            if peer:
                p.append(run(peer, cwd))

        def summary(runs_):
            if not runs_:
                return None, None, None
            return (statistics.median(r.wall for r in runs_), statistics.median(r.cpu for r in runs_),
                    max(r.mb for r in runs_))

        row = {"case": label}
        row["ours_s"], row["ours_cpu"], row["ours_mb"] = summary(o)
        row["peer_s"], row["peer_cpu"], row["peer_mb"] = summary(p)
        rows.append(row)
    out(f"{'case':<40} {'ours s':>7} {'cpu s':>7} {'MB':>6}  {'peer s':>7} {'cpu s':>7} {'MB':>6}  "
        f"{'speed×':>6} {'cpu×':>6} {'mem ratio':>9}")
    for r in rows:
        line = f"{r['case']:<40} {r['ours_s']:>7.3f} {r['ours_cpu']:>7.3f} {r['ours_mb']:>6.1f}"
        if r["peer_s"] is not None:
            speed = r["peer_s"] / max(r["ours_s"], 0.001)
            cpu = r["peer_cpu"] / max(r["ours_cpu"], 0.001)
            mem = r["ours_mb"] / r["peer_mb"]
            line += (f"  {r['peer_s']:>7.3f} {r['peer_cpu']:>7.3f} {r['peer_mb']:>6.1f}  "
                     f"{speed:>6.1f} {cpu:>6.1f} {mem:>9.3f}")
        out(line)
    return rows


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
