"""Shared helpers for the side-by-side benchmarks: run a command several times, alternating with
the peer, and report the median wall-clock time, CPU time and peak resident memory of each."""
import collections
import os
import statistics
import subprocess
import time


Run = collections.namedtuple("Run", "wall cpu mb code")


# GNU time (not the shell keyword): what gives a command's own peak RSS (see `run`).
GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run(cmd, cwd=None, env=None, before=None):
    """Runs cmd twice, calling `before` (if given) ahead of each: once for the wall time, the
    user + system CPU time and the exit code, once under GNU time for the peak RSS in MB (None
    without GNU time). The wall time is taken around the child alone (finer than GNU time's 10 ms
    steps); the CPU time is the child's own, from wait4. On a shared machine the wall time also
    measures the other tenants; CPU time does not.

    The peak RSS cannot come from the same wait4: a child forked from this process starts with a
    copy of its page tables, and exec keeps that high-water mark, so even a 5 MB command reported
    this benchmark's own RSS (90 MB once it had read the OSV data). GNU time is small and forks the
    command itself."""
    if before:
        before()
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    mb = None
    if GNU_TIME:
        if before:
            before()
        timed = subprocess.run([GNU_TIME, "-f", "%M", *cmd], cwd=cwd, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        mb = int(timed.stderr.strip().splitlines()[-1]) / 1024.0
    return Run(wall, usage.ru_utime + usage.ru_stime, mb, code)


def peak(values):
    """The largest of some peak RSS figures, or None when there are none."""
    values = [v for v in values if v is not None]
    return max(values) if values else None


def mb(value, width=8, decimals=1):
    """A peak RSS figure for a table."""
    return f"{value:>{width}.{decimals}f}" if value is not None else f"{'n/a':>{width}}"


def measure_cpu(cmd, cwd=None, env=None):
    """Measures cmd as `run` does; returns (wall s, peak RSS MB, exit code, user+system CPU s)."""
    r = run(cmd, cwd, env)
    return r.wall, r.mb, r.code, r.cpu


def measure(cmd, cwd=None, env=None):
    """Measures cmd as `run` does; returns (wall seconds, peak RSS in MB, exit code)."""
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
            "ours_mb": peak(x[1] for x in o),
            "peer_s": statistics.median(x[0] for x in p) if p else None,
            "peer_cpu": statistics.median(x[3] for x in p) if p else None,
            "peer_mb": peak(x[1] for x in p) if p else None,
        }
        rows.append(row)
    out(f"{'case':<46} {'ours s':>8} {'ours cpu':>8} {'ours MB':>8} {'peer s':>8} {'peer cpu':>8} {'peer MB':>8} "
        f"{'speed×':>8} {'cpu×':>8} {'mem ratio':>9}")
    for r in rows:
        if r["peer_s"] is not None:
            speed = r["peer_s"] / max(r["ours_s"], 0.001)
            cpu = r["peer_cpu"] / max(r["ours_cpu"], 0.001)
            both = r["ours_mb"] is not None and r["peer_mb"]
            mem = f"{r['ours_mb'] / r['peer_mb']:>9.3f}" if both else f"{'n/a':>9}"
            out(f"{r['case']:<46} {r['ours_s']:>8.4f} {r['ours_cpu']:>8.4f} {mb(r['ours_mb'])} {r['peer_s']:>8.4f} "
                f"{r['peer_cpu']:>8.4f} {mb(r['peer_mb'])} {speed:>8.1f} {cpu:>8.1f} {mem}")
        else:
            out(f"{r['case']:<46} {r['ours_s']:>8.4f} {r['ours_cpu']:>8.4f} {mb(r['ours_mb'])}")
    return rows


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def release_binary():
    """Builds the binary we ship (scripts/build-release.sh) and gives its path."""
    script = os.path.join(repo_root(), "scripts", "build-release.sh")
    return subprocess.run(["bash", script], check=True, capture_output=True, text=True).stdout.strip()
