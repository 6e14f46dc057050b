"""The installed command: ``package create|verify`` and ``township import|report|villages|
bands|export`` end to end, with their exit statuses (0 done, 1 a failed verification, 2 bad
input: one line, nothing imported)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.reports.pdfcheck import all_text
from tests.support.packages import COLLECTIVE, COOPERATIVE, rewrite

BIN = Path(sys.executable).with_name("coopledger")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=300)


def test_create_verify_import_report(demo_copy: Path, tmp_path: Path) -> None:
    db = str(demo_copy)
    made = []
    for org in (COLLECTIVE, COOPERATIVE):
        out = tmp_path / f"{org}.zip"
        r = run("--db", db, "--org", org, "package", "create", "--year", "2014", "--out", str(out))
        assert r.returncode == 0, r.stderr
        made.append(out)
    r = run("package", "verify", str(made[0]))
    assert r.returncode == 0, r.stderr
    fingerprint = r.stdout.strip().rsplit(" ", 8)[-8:]
    assert len(fingerprint) == 8
    r = run("package", "verify", "--json", str(made[0]))
    assert json.loads(r.stdout)["ok"] is True
    town = str(tmp_path / "township.sqlite3")
    r = run("--db", town, "township", "import", *map(str, made))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\n") == 2
    r = run("--db", town, "township", "report", "--year", "2014", "--json")
    assert r.returncode == 0, r.stderr
    js = json.loads(r.stdout)
    assert [v["name"] for v in js["villages"]] == sorted([COLLECTIVE, COOPERATIVE])
    assert js["bands"]["10万元以上"] == 1
    pdf = tmp_path / "report.pdf"
    r = run("--db", town, "township", "report", "--year", "2014", "--out", str(pdf))
    assert r.returncode == 0, r.stderr
    text = all_text(pdf)
    for words in ("收益分配汇总表", "合计（2个村）", COLLECTIVE, "空壳村", "10万元以上", "2013年"):
        assert words in text
    r = run("--db", town, "township", "report", "--year", "2014")
    assert r.returncode == 0 and COLLECTIVE in r.stdout
    r = run("--db", town, "township", "villages", "--json")
    assert json.loads(r.stdout)[0]["years"]["2014"]["revision"] == 1
    again = run("--db", town, "township", "import", str(made[0]))
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    assert "--replace" in again.stderr
    r = run("--db", town, "township", "import", "--replace", str(made[0]))
    assert r.returncode == 0, r.stderr
    back = tmp_path / "back.zip"
    r = run("--db", town, "township", "export", COLLECTIVE, "--year", "2014", "--out", str(back))
    assert r.returncode == 0 and back.read_bytes() == made[0].read_bytes()
    r = run("--db", town, "township", "bands", "--set", "5万", "10万")
    assert r.returncode == 0 and "5-10万元" in r.stdout
    assert run("--db", town, "verify").returncode == 0
    r = run("--db", town, "township", "verify", "--year", "2014")
    assert r.returncode == 0, r.stderr


def test_exit_statuses_of_bad_packages(demo_packages: dict[str, Path], tmp_path: Path) -> None:
    good = demo_packages[COLLECTIVE]
    town = str(tmp_path / "township.sqlite3")
    changed = rewrite(good, tmp_path / "changed.zip", statements_pdf=b"%PDF-1.4 forged")
    r = run("package", "verify", str(changed))
    assert r.returncode == 1
    assert "statements.pdf 已被改动" in r.stderr  # the program speaks zh_CN by default
    r = run("--db", town, "township", "import", str(changed))
    assert r.returncode == 1 and "statements.pdf" in r.stderr
    missing = rewrite(good, tmp_path / "missing.zip", book_json=None)
    r = run("package", "verify", str(missing))
    assert r.returncode == 1 and "清单列出了 book.json，但报送包中没有" in r.stderr
    letter = tmp_path / "letter.zip"
    letter.write_text("a letter", encoding="utf-8")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[:5000])
    climbing = rewrite(good, tmp_path / "climbing.zip", **{"../x": b"x"})
    for bad in (letter, truncated, climbing):
        for args in (
            ("package", "verify", str(bad)),
            ("--db", town, "township", "import", str(bad)),
        ):
            r = run(*args)
            assert r.returncode == 2, (bad.name, r.stderr)
            assert r.stderr.count("\n") == 1, r.stderr
            assert "Traceback" not in r.stderr
    r = run("--db", town, "township", "villages", "--json")
    assert json.loads(r.stdout) == []


def test_a_package_needs_a_committed_year(demo_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.zip"
    r = run(
        "--db", str(demo_copy), "--org", COLLECTIVE, "package", "create", "--year", "2016",
        "--out", str(out),
    )  # fmt: skip
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert not out.exists()
