"""The shipped sample messages and the benchmark script stay usable."""
import subprocess
import sys
from pathlib import Path

import pytest

from harness.standard import all_releases
from harness.validation import judge_file

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "fixtures" / "messages").glob("*.xml"))


def test_one_fixture_per_message():
    assert sorted(p.stem for p in FIXTURES) == sorted(
        m.name for r in all_releases() for m in r.messages.values())


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_is_accepted(path):
    verdict = judge_file(path)
    assert verdict.accepted and verdict.message == path.stem


def test_benchmark_runs_on_a_small_size(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_verdict.py"),
                             "--sizes", "200", "--json", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "ratio" in result.stdout and out.read_text().count('"prestaties": 200') == 1


def test_chain_benchmark_runs_on_a_small_size(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_chain.py"),
                             "--sizes", "40", "--json", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"prestaties": 100' in out.read_text()


def test_xslt_benchmark_runs_on_a_small_size(tmp_path, reference):
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_xslt.py"),
                             "--sizes", "20", "--json", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "xslt/full" in result.stdout and '"prestaties": 20' in out.read_text()
