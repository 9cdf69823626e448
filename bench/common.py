"""Shared helpers for the side-by-side benchmarks: run a command several times, alternating with
the peer, and report the median wall-clock time, CPU time and peak resident memory of each."""
import collections
import os
import statistics
import subprocess
import time


Run = collections.namedtuple("Run", "wall cpu mb code")


def run(cmd, cwd=None, env=None):
    """Runs cmd once: wall seconds, user + system CPU seconds, peak RSS in MB, exit code. The wall
    time is taken around the child alone (finer than /usr/bin/time's 10 ms steps); CPU time and
    peak RSS are the child's own, from wait4. On a shared machine the wall time also measures the
    other tenants; CPU time does not."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, p.returncode)


def measure_cpu(cmd, cwd=None, env=None):
    """Runs cmd once; returns (wall s, peak RSS MB, exit code, user+system CPU s)."""
    r = run(cmd, cwd, env)
    return r.wall, r.mb, r.code, r.cpu


def measure(cmd, cwd=None, env=None):
    """Runs cmd once; returns (wall seconds, peak RSS in MB, exit code)."""
    return measure_cpu(cmd, cwd, env)[:3]


def compare(cases, runs=5, out=print):
    """cases: list of (label, ours_cmd, peer_cmd, cwd). Alternates ours and the peer, `runs` times."""
    rows = []
    for label, ours, peer, cwd in cases:
        o, p = [], []
        for _ in range(runs):
            o.append(measure_cpu(ours, cwd))
            if peer:
                p.append(measure_cpu(peer, cwd))
        row = {
            "case": label,
            "ours_s": statistics.median(x[0] for x in o),
            "ours_cpu": statistics.median(x[3] for x in o),
            "ours_mb": max(x[1] for x in o),
            "peer_s": statistics.median(x[0] for x in p) if p else None,
            "peer_cpu": statistics.median(x[3] for x in p) if p else None,
            "peer_mb": max(x[1] for x in p) if p else None,
        }
        rows.append(row)
    out(f"{'case':<46} {'ours s':>8} {'ours cpu':>8} {'ours MB':>8} {'peer s':>8} {'peer cpu':>8} {'peer MB':>8} "
        f"{'speed×':>8} {'cpu×':>8} {'mem ratio':>9}")
    for r in rows:
        if r["peer_s"] is not None:
            speed = r["peer_s"] / max(r["ours_s"], 0.001)
            cpu = r["peer_cpu"] / max(r["ours_cpu"], 0.001)
            mem = r["ours_mb"] / r["peer_mb"]
            out(f"{r['case']:<46} {r['ours_s']:>8.3f} {r['ours_cpu']:>8.3f} {r['ours_mb']:>8.1f} {r['peer_s']:>8.3f} "
                f"{r['peer_cpu']:>8.3f} {r['peer_mb']:>8.1f} {speed:>8.1f} {cpu:>8.1f} {mem:>9.3f}")
        else:
            out(f"{r['case']:<46} {r['ours_s']:>8.3f} {r['ours_cpu']:>8.3f} {r['ours_mb']:>8.1f}")
    return rows


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def release_binary():
    """Builds the binary we ship (scripts/build-release.sh) and gives its path."""
    script = os.path.join(repo_root(), "scripts", "build-release.sh")
    return subprocess.run(["bash", script], check=True, capture_output=True, text=True).stdout.strip()
