"""The API under load (wrk): the product as `claims serve` runs it, beside an outside reference, in one run.

    .venv/bin/python benchmarks/api.py [--quick] [--servers granian,uvicorn] [--workers 1,2]
        [--conns 32,128] [--duration 10] [--access-log-cost] [--allow-foreign-env]

Needs Debian's `wrk` (`apt-get install -y wrk`; `brew install wrk` on macOS). Uses the large
synthetic archive of benchmarks/load_api_data.py in `--data-dir` (default /tmp/claims-bench-pg),
loading it first when it is missing (1M claims and 10k conflicts; `--quick` loads 100k and 2k
into a separate folder, which takes a few seconds).

For each worker count it starts, side by side on loopback ports (an idle one costs nothing):
- the reference (benchmarks/reference_app.py: a bare Litestar app that imports nothing of the
  project, on granian with uvloop, the same worker count): `ref /trivial` and `ref /page`, the
  50 claims after a random id with the source join;
- the product exactly as users run it, `python -m claims.cli serve --workers N`, once per server
  in `--servers` (CLAIMS_SERVER; default: both, the default server first); with
  `--access-log-cost` also each with CLAIMS_ACCESS_LOG=1 (lines written to a file, as a
  deployment would), for `/health` and `/v1/claims`.
Then, for each endpoint, `--rounds` times (default 3): the reference's anchor (`ref /page`, or
`ref /trivial` for `/health`) and the endpoint on every product server, one after the other, the
order alternating between rounds. The `vs ref` column is the median over rounds of the
endpoint's throughput over its anchor's in the same round: pairs minutes apart on a shared
machine drifted by more than the differences measured. `cpu us` is the CPU time the server's
process tree (PostgreSQL's not included) spent per request, and `cpu/ref` its ratio to the
anchor's: unlike throughput it hardly moves when other jobs take the cores, so it is the figure
to compare servers by on a shared machine (a server saturating a core of its own serves about
1e6 / cpu-us requests a second). Each request picks its URL at random
from a few hundred (random keyset cursors deep in the data, random ids), so no single page stays
hot in a cache.

It prints the stack each server ran on (server, event loop, HTTP parser, versions) and first
compares the installed packages with what a fresh install of pyproject.toml resolves to today
(`pip install --dry-run --ignore-installed --report`, cached for a day): when they differ it
names the packages and stops, since figures from a hand-tuned environment are not what users get,
unless `--allow-foreign-env` (then every table says so).

The servers run with CLAIMS_RATE_LIMIT=0 (per-address limiting off): wrk is a single client
address and would be throttled to the limit; `--rate-limit 1000000000` measures the limiter's
overhead instead. Prints requests/s, p50 and p99 latency per endpoint, the ratio, and the peak
RSS of each server's process tree. The last line is `name=value` pairs per server and worker
count: the worst list/detail ratio to the reference page, /health to the reference's trivial,
and the worst p99 at 32 connections. It measures and prints; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
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
        "ref /trivial": ["/trivial"],
        "ref /page": [f"/page?after={rng.randint(lo, lo + span)}" for _ in range(n)],
        "/health": ["/health"],
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
        "requests": float(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
    }


REFERENCE = "benchmarks.reference_app:create_reference_app"
IGNORED_IN_ENV_CHECK = frozenset({"claims", "pip", "setuptools", "wheel"})
"""Packaging tools (not imported when serving) and the project itself."""


class Server:
    """A server process tree on a loopback port (own session, so SIGTERM reaches every worker);
    tracks the peak RSS of the tree."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int, workers: int, ready: str) -> None:
        self.name = name
        self.port = port
        self.log = tempfile.NamedTemporaryFile(prefix="claims-bench-server-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            argv,
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self.peak = 0
        self._stop = threading.Event()
        deadline = time.monotonic() + 180
        ok = 0
        while ok < workers * 3:  # a few answers, so every worker is likely up
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{name} did not start: {Path(self.log.name).read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.base + ready, timeout=2) as r:
                    ok += r.status == 200
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

    def cpu(self) -> float:
        """CPU seconds (user + system) used so far by the server's process tree (not PostgreSQL's)."""
        import psutil

        try:
            proc = psutil.Process(self.proc.pid)
            procs = [proc, *proc.children(recursive=True)]
            return sum(sum(p.cpu_times()[:2]) for p in procs if p.is_running())
        except psutil.NoSuchProcess:
            return 0.0

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self.peak = max(self.peak, self.rss())

    def stop(self) -> None:
        self._stop.set()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def product(dsn: str, server: str, workers: int, rate_limit: int, render_cache: int | None, access_log: bool) -> Server:
    """`claims serve` as a user runs it (CLAIMS_SERVER picks the server)."""
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=dsn,
        CLAIMS_SERVER=server,
        CLAIMS_LOG_LEVEL="WARNING",
        CLAIMS_RATE_LIMIT=str(rate_limit),
        CLAIMS_ACCESS_LOG="true" if access_log else "false",
        PYTHONPATH=str(ROOT),
    )
    if render_cache is not None:
        env["CLAIMS_RENDER_CACHE_SIZE"] = str(render_cache)
    argv = [sys.executable, "-m", "claims.cli", "serve", "--port", str(port), "--workers", str(workers)]
    label = f"claims serve ({server}{', access log' if access_log else ''})"
    return Server(label, argv, env, port, workers, "/ready")


def reference(dsn: str, workers: int) -> Server:
    """benchmarks/reference_app.py on granian with uvloop, HTTP/1.1: the product's default stack."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=dsn, PYTHONPATH=str(ROOT))
    argv = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--loop", "uvloop"]
    argv += ["--http", "1", "--no-ws", "--log-level", "warning", "--port", str(port), "--workers", str(workers)]
    return Server("reference", [*argv, REFERENCE], env, port, workers, "/trivial")


def fresh_install_versions() -> dict[str, str] | None:
    """What `pip install .` into an empty environment resolves to today (name -> version), or None
    when pip cannot resolve (offline). Cached for a day per pyproject.toml content."""
    import hashlib
    import json

    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"claims-bench-fresh-{digest}.json"
    if not cache.exists() or time.time() - cache.stat().st_mtime > 86400:
        report = cache.with_suffix(".tmp")
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"]
        cmd += ["--report", str(report), str(ROOT)]
        print("resolving a fresh install of pyproject.toml (pip --dry-run) ...", file=sys.stderr)
        try:
            subprocess.run(cmd, capture_output=True, check=True, timeout=300)
        except (subprocess.SubprocessError, OSError):
            return None
        report.replace(cache)
    data = json.loads(cache.read_text())
    return {i["metadata"]["name"].lower(): i["metadata"]["version"] for i in data["install"]}


def foreign_packages(fresh: dict[str, str]) -> list[str]:
    """Packages whose installed version differs from the fresh install's, as `name fresh -> installed`."""
    from importlib import metadata

    out = []
    for name, version in sorted(fresh.items()):
        if name in IGNORED_IN_ENV_CHECK:
            continue
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            have = "missing"
        if have != version:
            out.append(f"{name} {version} -> {have}")
    return out


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
    ap.add_argument("--servers", default="granian,uvicorn", help="comma-separated CLAIMS_SERVER values (default both)")
    ap.add_argument("--workers", default=None, help="comma-separated worker counts (default 1,2)")
    ap.add_argument("--conns", default=None, help="comma-separated connection counts (default 32,128)")
    ap.add_argument("--duration", type=float, default=None, help="seconds per wrk run (default 10)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--rounds", type=int, default=None, help="repeat every server this often, medians (default 3)")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--access-log-cost", action="store_true", help="also run /health and /v1/claims with the log on")
    ap.add_argument(
        "--allow-foreign-env",
        action="store_true",
        help="report even when installed packages differ from a fresh install of pyproject.toml",
    )
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
    from claims.server import stack

    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    env_note = check_environment(args.allow_foreign_env)
    if env_note is None:
        return 3
    workers = [int(w) for w in (args.workers or ("1" if args.quick else "1,2")).split(",")]
    conns = [int(c) for c in (args.conns or ("32" if args.quick else "32,128")).split(",")]
    duration = args.duration or (2.0 if args.quick else 10.0)
    args.rounds = args.rounds or 3
    n_claims, n_conflicts = (100_000, 2_000) if args.quick else (1_000_000, 10_000)
    from benchmarks.load_api_data import DEFAULT_DIR

    data_dir = args.data_dir or (DEFAULT_DIR + "-quick" if args.quick else DEFAULT_DIR)
    dsn = ensure_data(data_dir, n_claims, n_conflicts)
    endpoints = endpoint_paths(dsn)
    summary: dict[str, str] = {}
    print(
        f"claims={n_claims} conflicts={n_conflicts} cpus={os.cpu_count()} duration={duration}s "
        f"wrk_threads={args.threads} python={sys.version.split()[0]} load_avg={os.getloadavg()[0]:.1f}"
    )
    print(f"environment: {env_note}")
    print(f"reference: benchmarks/reference_app.py on {stack('granian').describe()}")
    for s in servers:
        print(f"claims serve, CLAIMS_SERVER={s}: {stack(s).describe()}")
    with tempfile.TemporaryDirectory(prefix="claims-wrk-") as tmp:
        files = {}
        for i, (name, paths) in enumerate(endpoints.items()):
            files[name] = Path(tmp) / f"paths{i}.txt"
            files[name].write_text("\n".join(paths) + "\n")

        for w in workers:
            servers_up: dict[str, Server] = {}
            try:
                servers_up["reference"] = reference(dsn, w)
                for s in servers:
                    servers_up[s] = product(dsn, s, w, args.rate_limit, args.render_cache, False)
                    if args.access_log_cost and w == workers[0]:
                        servers_up[f"{s}+access-log"] = product(dsn, s, w, args.rate_limit, args.render_cache, True)
                cells = measure(servers_up, files, conns, duration, args.threads, args.rounds)
            finally:
                for srv in servers_up.values():
                    srv.peak = max(srv.peak, srv.rss())
                    srv.stop()
            print(
                f"\nworkers={w}  medians of {args.rounds} round(s)"
                f"{'  (foreign environment)' if 'FOREIGN' in env_note else ''}"
            )
            print(
                f"{'server':<20} {'endpoint':<28} {'conns':>5} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
                f"{'vs ref':>6} {'cpu us':>7} {'cpu/ref':>7} {'errors':>6}"
            )
            c0 = conns[0]
            for label, srv in servers_up.items():
                worst_ratio, worst_p99 = 9e9, 0.0
                for (lab, name, c), r in cells.items():
                    if lab != label:
                        continue
                    if name.startswith("/v1/"):
                        worst_ratio = min(worst_ratio, r["ratio"])
                        if c == c0:
                            worst_p99 = max(worst_p99, r["p99"])
                    print(
                        f"{label:<20} {name:<28} {c:>5} {r['rps']:>8.0f} {r['p50']:>7.1f} {r['p99']:>7.1f} "
                        f"{r['ratio']:>6.2f} {r['cpu_us']:>7.0f} {r['cpu_ratio']:>7.2f} {int(r['errors']):>6}"
                    )
                print(f"{label:<20} RSS idle={srv.idle / 2**20:.0f} MB peak={srv.peak / 2**20:.0f} MB")
                key = f"{label}_w{w}"
                if label == "reference":
                    summary[f"{key}_page_rps"] = f"{cells[(label, 'ref /page', c0)]['rps']:.0f}"
                    continue
                summary[f"{key}_health_vs_ref"] = f"{cells[(label, '/health', c0)]['ratio']:.2f}"
                if worst_ratio < 9e9:
                    summary[f"{key}_min_list_vs_ref"] = f"{worst_ratio:.2f}"
                    summary[f"{key}_max_p99_ms_c{c0}"] = f"{worst_p99:.1f}"
                summary[f"{key}_claims_vs_ref"] = f"{cells[(label, '/v1/claims', c0)]['ratio']:.2f}"
                summary[f"{key}_health_cpu_us"] = f"{cells[(label, '/health', c0)]['cpu_us']:.0f}"
                summary[f"{key}_claims_cpu_us"] = f"{cells[(label, '/v1/claims', c0)]['cpu_us']:.0f}"
    print(f"load_avg_after={os.getloadavg()[0]:.1f}")
    print(" ".join(f"{k}={v}" for k, v in summary.items()))
    return 0


def measure(
    servers: dict[str, Server], files: dict[str, Path], conns: list[int], duration: float, threads: int, rounds: int
) -> dict[tuple[str, str, int], dict[str, float]]:
    """Every server's endpoints, each beside its anchor on the reference, paired in time.

    For each endpoint and round: the reference's anchor (`ref /page`, or `ref /trivial` for
    `/health`) and that endpoint on every product server, one after the other in an order that
    alternates between rounds, so the machine's drifting load falls on all alike. A cell's ratio is
    the median over the rounds of its throughput over the anchor's in the same round.
    """
    ref = servers["reference"]
    runs: dict[tuple[str, str, int], list[dict[str, float]]] = {}
    ratios: dict[tuple[str, str, int], list[float]] = {}
    cpu_ratios: dict[tuple[str, str, int], list[float]] = {}
    product_names = [n for n in files if not n.startswith("ref ")]
    for c in conns:
        for name in product_names:
            anchor = "ref /trivial" if name == "/health" else "ref /page"
            group = [("reference", ref, anchor)]
            group += [(label, srv, name) for label, srv in servers.items() if label != "reference"]
            group = [g for g in group if "+access-log" not in g[0] or name in ("/health", "/v1/claims")]
            for _, srv, endpoint in group:  # warm-up
                run_wrk(srv.base, files[endpoint], c, min(1.0, duration), threads)
            for i in range(rounds):
                got = {}
                for label, srv, endpoint in group if i % 2 == 0 else group[::-1]:
                    before = srv.cpu()
                    got[label] = run_wrk(srv.base, files[endpoint], c, duration, threads)
                    got[label]["cpu_us"] = (srv.cpu() - before) / max(1.0, got[label]["requests"]) * 1e6
                    runs.setdefault((label, endpoint, c), []).append(got[label])
                for label, _, endpoint in group:
                    ratios.setdefault((label, endpoint, c), []).append(got[label]["rps"] / got["reference"]["rps"])
                    cpu = got[label]["cpu_us"] / max(1e-9, got["reference"]["cpu_us"])
                    cpu_ratios.setdefault((label, endpoint, c), []).append(cpu)
    out: dict[tuple[str, str, int], dict[str, float]] = {}
    for key, cells in runs.items():
        out[key] = {m: statistics.median(x[m] for x in cells) for m in ("rps", "p50", "p99", "cpu_us")}
        out[key]["errors"] = sum(x["non2xx"] + x["timeouts"] for x in cells)
        out[key]["ratio"] = statistics.median(ratios[key])
        out[key]["cpu_ratio"] = statistics.median(cpu_ratios[key])
    return out


def check_environment(allow_foreign: bool) -> str | None:
    """A note on the environment for the report, or None (after saying why) to stop."""
    fresh = fresh_install_versions()
    if fresh is None:
        return "UNCHECKED (pip could not resolve a fresh install; offline?)"
    foreign = foreign_packages(fresh)
    if not foreign:
        return f"as a fresh install of pyproject.toml resolves today ({len(fresh)} packages)"
    listing = "; ".join(foreign)
    if not allow_foreign:
        print(
            f"this environment differs from a fresh install of pyproject.toml (fresh -> installed): {listing}\n"
            "figures from it are not what users get: reinstall (`make install` in a fresh venv), or pass"
            " --allow-foreign-env to measure anyway",
            file=sys.stderr,
        )
        return None
    return f"FOREIGN, differs from a fresh install (fresh -> installed): {listing}"


if __name__ == "__main__":
    sys.exit(main())
