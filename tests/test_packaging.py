"""The package as users install it: a build that warns of nothing, and a wheel that migrates.

Both build from a copy of the source in a temporary folder, so the worktree gets no `build/` or
`*.egg-info` and concurrent runs do not share build folders. The build runs setuptools' backend in
this interpreter (what `pip install` does in its build environment), offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from app.db.migrate import head_revisions
from tests.support.environment import _backend

pytestmark = pytest.mark.skipif(
    _backend() != "sqlite",
    reason="builds and runs its own SQLite database; the backend does not matter",
)

SOURCE = Path(__file__).resolve().parent.parent

# Run setuptools' PEP 517 hooks with every warning turned into an error. `InformationOnly` is
# setuptools telling how an editable install works, not a problem with the project.
_BUILD = """
import sys, warnings
warnings.simplefilter("error")
import setuptools.build_meta as backend
from setuptools.warnings import InformationOnly
warnings.filterwarnings("ignore", category=InformationOnly)
out, editable = sys.argv[1], "--editable" in sys.argv  # setuptools rewrites sys.argv
backend.prepare_metadata_for_build_wheel(out)
built = [backend.build_wheel(out)]
if editable:
    built.append(backend.build_editable(out))
with open(out + "/built.txt", "w") as names:  # setuptools redirects stdout while it builds
    names.write("\\n".join(built))
"""


def _copy_source(into: Path) -> Path:
    tree = into / "src"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(SOURCE / name, tree / name)
    shutil.copytree(SOURCE / "app", tree / "app", ignore=shutil.ignore_patterns("__pycache__"))
    return tree


def _build(tmp: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    tree, out = _copy_source(tmp), tmp / "dist"
    out.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", _BUILD, str(out), *extra],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result, out


def _built(out: Path) -> list[str]:
    """The file names the hooks returned."""
    return (out / "built.txt").read_text().splitlines()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result, out = _build(tmp_path_factory.mktemp("wheel"))
    assert result.returncode == 0, result.stderr
    return out / _built(out)[0]


def test_building_the_package_raises_no_warning(tmp_path: Path) -> None:
    """`pip install .` and `pip install -e .` run these hooks: any deprecation fails the build."""
    result, out = _build(tmp_path, "--editable")
    assert result.returncode == 0, result.stderr
    assert _built(out) == [
        "loket-0.1.0-py3-none-any.whl",
        "loket-0.1.0-0.editable-py3-none-any.whl",
    ]
    assert "Warning" not in result.stderr


def test_the_wheel_ships_the_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = {n for n in names if n.startswith("app/db/migrations/")}
    shipped = {p.relative_to(SOURCE).as_posix() for p in (SOURCE / "app/db/migrations").rglob("*")}
    expected = {n for n in shipped if n.endswith((".py", ".mako")) and "__pycache__" not in n}
    assert migrations == expected
    assert {"app/db/migrations/env.py", "app/db/migrations/script.py.mako"} <= migrations
    metadata = zipfile.ZipFile(wheel).read("loket-0.1.0.dist-info/METADATA").decode()
    assert "License-Expression: MIT" in metadata.splitlines()


def test_the_wheel_ships_the_text_catalogs(wheel: Path) -> None:
    """The dashboard and the engine read their texts from YAML files next to their code."""
    names = zipfile.ZipFile(wheel).namelist()
    folders = ("app/dashboard/texts/", "app/flows/messages/")
    catalogs = sorted(n for n in names if n.startswith(folders) and n.endswith(".yaml"))
    assert catalogs == [
        "app/dashboard/texts/en.yaml",
        "app/dashboard/texts/id.yaml",
        "app/flows/messages/en.yaml",
        "app/flows/messages/id.yaml",
    ]


def _clean_env() -> dict[str, str]:
    """No PYTHONPATH (it would show the source tree) and no Loket settings."""
    prefixes = ("WHATSAPP_", "LOKET_", "PYTHON", "DATABASE_URL", "LOCKER_URL")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def _install_in_a_fresh_venv(wheel: Path, at: Path) -> Path:
    """A new virtualenv with the wheel installed, seeing this interpreter's dependencies.

    `--system-site-packages` would expose the base interpreter, not this virtualenv. The wheel is
    installed first (pip sees no `loket` there yet), then a `.pth` line adds this site-packages
    as a plain path, so its editable `loket` hook is not run and the wheel's `app` is the one found.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(at)], check=True)
    python = at / "bin" / "python"
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert installed.returncode == 0, installed.stderr
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert (Path(site) / "app" / "db" / "migrations" / "env.py").is_file()
    Path(site, "loket-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def test_an_installed_wheel_migrates_with_no_extra_setting(wheel: Path, tmp_path: Path) -> None:
    python = _install_in_a_fresh_venv(wheel, tmp_path / "venv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _clean_env() | {
        "DATABASE_URL": "sqlite+aiosqlite:///./loket.db",
        "LOKET_LOG_JSON": "false",
    }

    where = subprocess.run(
        [str(python), "-c", "import app.db.migrate as m; print(m.MIGRATIONS_DIR)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "venv")

    migrated = subprocess.run(
        [str(tmp_path / "venv" / "bin" / "loket"), "migrate"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout == "database is at head\n"
    import sqlite3

    with sqlite3.connect(elsewhere / "loket.db") as db:
        versions = {row[0] for row in db.execute("SELECT version_num FROM alembic_version")}
    assert versions == head_revisions()
