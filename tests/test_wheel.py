"""The wheel carries what an installed `claims` needs at run time (migrations, seeds, the docs UI):
built here, installed into a fresh virtual environment outside the repository, then
`claims demo --no-serve` on a temporary data folder ingests the seeds and prints the conflicts."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from claims.settings import PROJECT_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.model]


def test_wheel_installs_and_runs_the_demo_outside_the_repository(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(PROJECT_ROOT),
        ],
        check=True,
        timeout=300,
        cwd=tmp_path,
    )
    (wheel,) = out.glob("claims-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "claims/migrations/0001_create_sources_articles.sql" in names
    assert "claims/seeds/manifest.json" in names
    assert sum(n.startswith("claims/seeds/") and n.endswith(".txt") for n in names) == 5

    # A fresh environment whose dependencies are the shared ones (no downloads): the current
    # environment's site-packages is appended to its path, after its own, which holds the wheel.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    own = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    Path(own, "shared-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        timeout=300,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTHONPATH"}}
    env.update(CLAIMS_DATA_DIR=str(tmp_path / "pg"), CLAIMS_SPACY_MODEL="blank")
    where = subprocess.run(
        [python, "-c", "import claims, api; print(claims.__file__, api.__file__)"],
        check=True, capture_output=True, text=True, cwd=work, env=env,
    ).stdout  # fmt: skip
    assert str(PROJECT_ROOT) not in where and own in where, where
    demo = subprocess.run(
        [env_dir / "bin" / "claims", "demo", "--no-serve"],
        capture_output=True, text=True, cwd=work, env=env, timeout=600,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    assert "ingested 5 new, 0 duplicate, 0 failed" in demo.stdout
    assert "conflict(s)" in demo.stdout or "No conflicts." in demo.stdout
