"""The list endpoints under load (wrk), side by side with two references, in one run.

    .venv/bin/python benchmarks/api.py [--quick] [--workers 1,2] [--conns 32,128] [--duration 10]

Needs Debian's `wrk` (`apt-get install -y wrk`). Uses the large synthetic archive of
benchmarks/load_api_data.py in `--data-dir` (default /tmp/claims-bench-pg), loading it first
when it is missing (1M claims and 10k conflicts; `--quick` loads 100k and 2k into a separate
folder, which takes a few seconds). Serves benchmarks/bench_app.py (the product API plus
`/bench/trivial` and `/bench/bare`, see there) with uvicorn on a loopback port, for each worker
count, and drives every endpoint with wrk at each connection count. Each request picks its URL at
random from a few hundred (random keyset cursors deep in the data, random ids), so no single
page stays hot in a cache.

The server runs with CLAIMS_RATE_LIMIT=0 (per-address limiting off): wrk is a single client
address and would be throttled to the limit; `--rate-limit 1000000000` measures the limiter's
overhead instead. Prints requests/s, p50 and p99 latency per endpoint, each list endpoint's throughput as a ratio
to the bare endpoint's, and the peak RSS of the server's process tree. The last line is
`name=value` pairs: the worst list/bare ratio and the worst p99 at 32 connections, per worker
count. It measures and prints; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) %% 100000)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def endpoint_paths(dsn: str, n: int = 400) -> dict[str, list[str]]:
    """For each endpoint under test, `n` URLs with random cursors/ids from the loaded data."""
    import psycopg

    from claims.store import encode_cursor

    rng = random.Random(5)
    with psycopg.connect(dsn, autocommit=True) as conn:
        lo, hi = conn.execute("SELECT min(id), max(id) FROM claims").fetchone()  # type: ignore[misc]
        k_lo, k_hi = conn.execute("SELECT min(id), max(id) FROM conflicts").fetchone()  # type: ignore[misc]
        sources = [r[0] for r in conn.execute("SELECT id FROM sources ORDER BY id").fetchall()]
        with_matches = [r[0] for r in conn.execute("SELECT claim_a FROM matches ORDER BY random() LIMIT %s", (n,))]

    def cur(a: int, b: int) -> str:
        return encode_cursor(rng.randint(a, b))

    # cursors in the first 90% of the id range so a page is full
    span = int((hi - lo) * 0.9)
    k_span = int((k_hi - k_lo) * 0.8)
    return {
        "trivial": ["/bench/trivial"],
        "bare (1 keyset query)": [f"/bench/bare?after={rng.randint(lo, lo + span)}" for _ in range(n)],
        "/v1/claims": [f"/v1/claims?cursor={cur(lo, lo + span)}" for _ in range(n)],
        "/v1/claims?kind=money": [f"/v1/claims?kind=money&cursor={cur(lo, lo + span)}" for _ in range(n)],
        "/v1/claims?subject=Japan": [f"/v1/claims?subject=Japan&cursor={cur(lo, lo + span)}" for _ in range(n)],
        "/v1/conflicts?status=open": [f"/v1/conflicts?status=open&cursor={cur(k_lo, k_lo + k_span)}" for _ in range(n)],
        "/v1/sources/{id}/claims": [
            f"/v1/sources/{rng.choice(sources[:12])}/claims?cursor={cur(lo, lo + span // 2)}" for _ in range(n)
        ],
        "/v1/claims/{id}": [f"/v1/claims/{rng.choice(with_matches)}" for _ in range(n)],
    }


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def run_wrk(base: str, paths_file: Path, conns: int, duration: float, threads: int) -> dict[str, float]:
    lua = paths_file.with_suffix(".lua")
    lua.write_text(LUA % paths_file)
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{conns}",
            f"-d{max(1, round(duration))}s",
            "--latency",
            "--timeout",
            "5s",
            "-s",
            str(lua),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*?timeout (\d+)", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non2xx": float(bad.group(1)) if bad else 0.0,
        "timeouts": float(errors.group(1)) if errors else 0.0,
    }


class Server:
    """uvicorn serving the bench app with N workers; tracks peak RSS of its process tree."""

    def __init__(self, dsn: str, workers: int, rate_limit: int = 0, render_cache: int | None = None) -> None:
        self.port = free_port()
        env = dict(
            os.environ,
            DATABASE_URL=dsn,
            CLAIMS_LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
            CLAIMS_RATE_LIMIT=str(rate_limit),
        )
        if render_cache is not None:
            env["CLAIMS_RENDER_CACHE_SIZE"] = str(render_cache)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "benchmarks.bench_app:create_bench_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self.peak = 0
        self._stop = threading.Event()
        deadline = time.monotonic() + 120
        ready = 0
        while ready < workers * 3:  # a few answers, so every worker is likely up
            if self.proc.poll() is not None or time.monotonic() > deadline:
                err = self.proc.stderr.read() if self.proc.stderr else ""
                self.stop()
                raise RuntimeError(f"the server did not start: {err[-2000:]}")
            try:
                with urllib.request.urlopen(self.base + "/ready", timeout=2) as r:
                    ready += r.status == 200
            except OSError:
                time.sleep(0.3)
        time.sleep(1.0 if workers > 1 else 0.2)
        self.idle = self.rss()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def rss(self) -> int:
        import psutil

        try:
            proc = psutil.Process(self.proc.pid)
            procs = [proc, *proc.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs if p.is_running())
        except psutil.NoSuchProcess:
            return 0

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self.peak = max(self.peak, self.rss())

    def stop(self) -> None:
        self._stop.set()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def ensure_data(data_dir: str, n_claims: int, n_conflicts: int) -> str:
    import psycopg

    from benchmarks.load_api_data import dsn_for, load
    from claims import migrate

    dsn = dsn_for(data_dir)
    migrate.migrate(dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        have = conn.execute("SELECT count(*) FROM claims").fetchone()[0]  # type: ignore[index]
        conn.execute("ANALYZE")
    if have < n_claims * 0.95:
        print(f"loading {n_claims} claims and {n_conflicts} conflicts into {data_dir} ...", file=sys.stderr)
        load(dsn, n_claims, n_conflicts, reset=True)
    return dsn


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="100k claims, 1 worker, 32 conns, 2 s runs")
    ap.add_argument("--workers", default=None, help="comma-separated worker counts (default 1,2)")
    ap.add_argument("--conns", default=None, help="comma-separated connection counts (default 32,128)")
    ap.add_argument("--duration", type=float, default=None, help="seconds per wrk run (default 10)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument(
        "--rate-limit",
        type=int,
        default=0,
        help="CLAIMS_RATE_LIMIT for the server (default 0: off; wrk is one client address)",
    )
    ap.add_argument(
        "--render-cache",
        type=int,
        default=None,
        help="CLAIMS_RENDER_CACHE_SIZE for the server (default: the product's; 0 measures /v1/conflicts uncached)",
    )
    args = ap.parse_args(argv)
    if shutil.which("wrk") is None:
        print(
            "wrk is not installed: `sudo apt-get update && sudo apt-get install -y wrk` (Debian/Ubuntu),"
            " `brew install wrk` (macOS)",
            file=sys.stderr,
        )
        return 2
    workers = [int(w) for w in (args.workers or ("1" if args.quick else "1,2")).split(",")]
    conns = [int(c) for c in (args.conns or ("32" if args.quick else "32,128")).split(",")]
    duration = args.duration or (2.0 if args.quick else 10.0)
    n_claims, n_conflicts = (100_000, 2_000) if args.quick else (1_000_000, 10_000)
    from benchmarks.load_api_data import DEFAULT_DIR

    data_dir = args.data_dir or (DEFAULT_DIR + "-quick" if args.quick else DEFAULT_DIR)
    dsn = ensure_data(data_dir, n_claims, n_conflicts)
    endpoints = endpoint_paths(dsn)
    summary: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="claims-wrk-") as tmp:
        files = {}
        for i, (name, paths) in enumerate(endpoints.items()):
            files[name] = Path(tmp) / f"paths{i}.txt"
            files[name].write_text("\n".join(paths) + "\n")
        print(
            f"claims={n_claims} conflicts={n_conflicts} cpus={os.cpu_count()} duration={duration}s "
            f"wrk_threads={args.threads}"
        )
        for w in workers:
            server = Server(dsn, w, args.rate_limit, args.render_cache)
            try:
                results: dict[tuple[str, int], dict[str, float]] = {}
                for c in conns:
                    for name in endpoints:
                        run_wrk(server.base, files[name], c, min(1.0, duration), args.threads)  # warm-up
                        results[(name, c)] = run_wrk(server.base, files[name], c, duration, args.threads)
            finally:
                peak, idle = max(server.peak, server.rss()), server.idle
                server.stop()
            print(f"\nworkers={w}  server RSS idle={idle / 2**20:.0f} MB peak={peak / 2**20:.0f} MB")
            print(
                f"{'endpoint':<28} {'conns':>5} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'vs bare':>7} {'errors':>6}"
            )
            worst_ratio, worst_p99 = 9e9, 0.0
            for c in conns:
                bare = results[("bare (1 keyset query)", c)]["rps"]
                for name in endpoints:
                    r = results[(name, c)]
                    ratio = r["rps"] / bare
                    if name.startswith("/v1/"):
                        worst_ratio = min(worst_ratio, ratio)
                        if c == 32:
                            worst_p99 = max(worst_p99, r["p99"])
                    print(
                        f"{name:<28} {c:>5} {r['rps']:>8.0f} {r['p50']:>7.1f} {r['p99']:>7.1f} {ratio:>7.2f} "
                        f"{int(r['non2xx'] + r['timeouts']):>6}"
                    )
            summary[f"w{w}_min_list_vs_bare"] = f"{worst_ratio:.2f}"
            summary[f"w{w}_bare_rps"] = f"{results[('bare (1 keyset query)', conns[0])]['rps']:.0f}"
            summary[f"w{w}_claims_rps"] = f"{results[('/v1/claims', conns[0])]['rps']:.0f}"
            if 32 in conns:
                summary[f"w{w}_max_p99_ms_c32"] = f"{worst_p99:.1f}"
            summary[f"w{w}_peak_rss_mb"] = f"{peak / 2**20:.0f}"
    print(" ".join(f"{k}={v}" for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
