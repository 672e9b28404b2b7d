"""`pip install .` into a fresh virtual environment gives a working `ketentest` with its data."""
import json
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_fresh_venv_install_ships_schemas_and_tables(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    pip = [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q",
           "--disable-pip-version-check"]
    subprocess.run(pip + [str(ROOT)], check=True, timeout=600, cwd=tmp_path)
    ketentest = str(env_dir / "bin" / "ketentest")
    sample = subprocess.run([ketentest, "example", "JW323"], capture_output=True, check=True,
                            cwd=tmp_path).stdout
    (tmp_path / "jw323.xml").write_bytes(sample)
    result = subprocess.run([ketentest, "validate", "--format", "json", "jw323.xml"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "ok"
    # the installed package is used, not the checkout
    where = subprocess.run([str(env_dir / "bin" / "python"), "-c",
                            "import harness; print(harness.__file__)"],
                           capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert str(env_dir) in where and sys.prefix not in where
    # the regio profiles are package data, and the clock's and profiles' dependencies install
    profiles = subprocess.run([str(env_dir / "bin" / "python"), "-c",
                               "from harness.profiles import builtin; from harness.clock import "
                               "is_werkdag; import datetime; print(builtin('regio-weigert-vow')"
                               ".naam, is_werkdag(datetime.date(2026, 12, 25)))"],
                              capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert profiles.split() == ["Regio", "Weigert", "VOW", "False"]
    # the application floor: `python -m ketentest` and the shipped chain library
    py = str(env_dir / "bin" / "python")
    shown = subprocess.run([py, "-m", "ketentest", "--version"], capture_output=True, text=True,
                           check=True, cwd=tmp_path).stdout
    assert shown.startswith("ketentest, version ")
    library = subprocess.run([py, "-c", "from ketentest.run.command import FEATURES; "
                              "print(len(list(FEATURES.rglob('*.feature'))))"],
                             capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert int(library) >= 8
