"""The packaging files checked without building: the PyInstaller spec (run against stand-ins
for PyInstaller's build classes), the entry script and the Windows installer script.

The real build and its smoke tests are ``make bundle`` (installer/build.sh).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "coopledger.spec"
NSI = INSTALLER / "coopledger.nsi"
ENTRY = INSTALLER / "coopledger_entry.py"

# Qt modules the issue names as unused: they must stay out of the bundle.
UNUSED_QT = [
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtVirtualKeyboard",
    "PySide6.QtMultimedia",
    "PySide6.Qt3DCore",
]
# Qt modules the program uses: never excluded, and the lazily imported ones are hidden imports.
USED_QT = ["PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"]
LAZY_QT = ["PySide6.QtPrintSupport", "PySide6.QtPdf", "PySide6.QtPdfWidgets"]


# --- the spec, run against stand-ins -------------------------------------------------------

# Fake binaries: (name in the bundle, source, type) and what each one links.
FAKE_BINARIES = [
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/q/libqgtk3.so", "BINARY"),
    ("libcairo.so.2", "/s/libcairo.so.2", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", "/q/libqeglfs.so", "BINARY"),
    ("PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6", "/q/libQt6EglFS.so.6", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", "/q/libqxcb.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "/q/libqoffscreen.so", "BINARY"),
    ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", "/q/libcups_ps.so", "BINARY"),
    ("PySide6/Qt/lib/libQt6Gui.so.6", "/q/libQt6Gui.so.6", "BINARY"),
    ("PySide6/QtGui.abi3.so", "/q/QtGui.abi3.so", "EXTENSION"),
    ("libfontconfig.so.1", "/s/libfontconfig.so.1", "BINARY"),
    ("libcups.so.2", "/s/libcups.so.2", "BINARY"),
    ("libsqlite3.so.0", "/s/libsqlite3.so.0", "BINARY"),
    ("PySide6/opengl32sw.dll", "/q/opengl32sw.dll", "BINARY"),
]
FAKE_LINKS = {
    "/q/libqgtk3.so": ["/s/libcairo.so.2", "/q/libQt6Gui.so.6", "/s/libfontconfig.so.1"],
    "/q/libqeglfs.so": ["/q/libQt6EglFS.so.6", "/q/libQt6Gui.so.6"],
    "/q/libqxcb.so": ["/q/libQt6Gui.so.6"],
    "/q/libqoffscreen.so": ["/q/libQt6Gui.so.6"],
    "/q/libcups_ps.so": ["/s/libcups.so.2", "/q/libQt6Gui.so.6"],
    "/q/QtGui.abi3.so": ["/q/libQt6Gui.so.6"],
    "/q/libQt6Gui.so.6": ["/s/libfontconfig.so.1"],
}
FAKE_DATAS = [
    ("babel/global.dat", "/b/global.dat", "DATA"),
    ("babel/locale-data/zh_Hans_CN.dat", "/b/zh_Hans_CN.dat", "DATA"),
    ("babel/locale-data/en_US.dat", "/b/en_US.dat", "DATA"),
    ("babel/locale-data/de.dat", "/b/de.dat", "DATA"),
    ("babel/locale-data/en_GB.dat", "/b/en_GB.dat", "DATA"),
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", "/t/qtbase_zh_CN.qm", "DATA"),
    ("PySide6/Qt/translations/qtbase_de.qm", "/t/qtbase_de.qm", "DATA"),
    ("PySide6/Qt/translations/qt_help_zh_CN.qm", "/t/qt_help_zh_CN.qm", "DATA"),
    ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
    (
        "libQt6EglFSDeviceIntegration.so.6",
        "PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6",
        "SYMLINK",
    ),
]


@dataclass
class Built:
    """What the spec handed to the stand-ins."""

    analysis: dict[str, Any] = field(default_factory=dict)
    exe: dict[str, Any] = field(default_factory=dict)
    collect: dict[str, Any] = field(default_factory=dict)
    namespace: dict[str, Any] = field(default_factory=dict)


def _fake_get_imports(filename: str, search_paths: object = None) -> set[tuple[str, str]]:
    # Like ldd: everything a binary loads, directly or not.
    seen: set[str] = set()
    todo = list(FAKE_LINKS.get(filename, []))
    while todo:
        lib = todo.pop()
        if lib not in seen:
            seen.add(lib)
            todo += FAKE_LINKS.get(lib, [])
    return {(Path(lib).name, lib) for lib in seen}


def _fake_modules() -> dict[str, types.ModuleType]:
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda package, **kw: []  # type: ignore[attr-defined]
    hooks.collect_submodules = lambda package, **kw: [package]  # type: ignore[attr-defined]
    bindepend = types.ModuleType("PyInstaller.depend.bindepend")
    bindepend.get_imports = _fake_get_imports  # type: ignore[attr-defined]
    names = ["PyInstaller", "PyInstaller.utils", "PyInstaller.depend"]
    mods = {name: types.ModuleType(name) for name in names}
    mods["PyInstaller.utils.hooks"] = hooks
    mods["PyInstaller.depend.bindepend"] = bindepend
    return mods


@pytest.fixture(scope="module")
def built() -> Iterator[Built]:
    """The spec executed as PyInstaller would, with stand-ins that record their arguments."""
    result = Built()

    class Analysis:
        def __init__(self, scripts: list[str], **kwargs: Any) -> None:
            result.analysis = {"scripts": scripts, **kwargs}
            self.binaries = list(FAKE_BINARIES)
            self.datas = [(dest, src, "DATA") for src, dest in kwargs["datas"]] + FAKE_DATAS
            self.pure: list[Any] = []
            self.scripts = scripts

    def exe(*args: Any, **kwargs: Any) -> object:
        result.exe = kwargs
        return object()

    def collect(*args: Any, **kwargs: Any) -> object:
        result.collect = {"args": args, **kwargs}
        return object()

    namespace: dict[str, Any] = {
        "__name__": "__main__",
        "__file__": str(SPEC),
        "SPECPATH": str(INSTALLER),
        "Analysis": Analysis,
        "PYZ": lambda *a, **k: object(),
        "EXE": exe,
        "COLLECT": collect,
    }
    saved = {name: sys.modules.get(name) for name in _fake_modules()}
    sys.modules.update(_fake_modules())
    try:
        exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    result.namespace = namespace
    yield result


def _bundle_paths(built: Built) -> set[str]:
    """Files the spec ships from the checkout, as ``folder/name`` inside the bundle."""
    return {f"{dest}/{Path(src).name}" for src, dest in built.analysis["datas"]}


def test_spec_is_python() -> None:
    compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")


def test_spec_builds_the_entry_script_as_one_folder(built: Built) -> None:
    assert built.analysis["scripts"] == [str(ENTRY)]
    assert built.exe["name"] == "coopledger"
    assert built.exe["exclude_binaries"] is True  # one folder: binaries go to COLLECT
    assert built.collect["name"] == "coopledger"
    assert built.exe["console"] is True  # `coopledger demo` prints; Windows hides the console


def test_spec_strips_binaries(built: Built) -> None:
    windows = sys.platform.startswith("win")
    assert built.exe["strip"] is not windows
    assert built.collect["strip"] is not windows
    assert built.exe["upx"] is False


def test_spec_ships_resources_and_migrations(built: Built) -> None:
    shipped = _bundle_paths(built)
    wanted = [
        "resources/fonts/NotoSansSC-Regular.ttf",
        "resources/fonts/NotoSansSC-Bold.ttf",
        "resources/fonts/OFL.txt",
        "db/alembic.ini",
        "db/env.py",
        "docs/user-guide.md",
    ]
    wanted += [f"docs/img/{p.name}" for p in (ROOT / "docs/img").glob("*.png")]
    wanted += [f"resources/charts/{p.name}" for p in (ROOT / "resources/charts").glob("*.json")]
    wanted += [f"resources/demo/{p.name}" for p in (ROOT / "resources/demo").glob("*.book.json")]
    wanted += [f"db/versions/{p.name}" for p in (ROOT / "db/versions").glob("*.py")]
    wanted += [
        f"resources/locale/{p.parent.name}/{p.name}"
        for p in (ROOT / "resources/locale").glob("*/coopledger.po")
    ]
    # Every file the program reads from resources/ (not the folders' READMEs, the script that
    # makes the demo, nor the .pot template): a new kind of resource must be shipped too.
    wanted += [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "resources").rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix not in (".md", ".py", ".pot", ".pyc")
    ]
    assert any(w.startswith("resources/charts/") for w in wanted)
    assert any(w.startswith("resources/forms/") for w in wanted)
    assert any(w.startswith("db/versions/") for w in wanted)
    assert not set(wanted) - shipped
    assert not [s for s in shipped if "__pycache__" in s or s.endswith(".pyc")]


def test_spec_carries_qt_own_chinese_translations(built: Built) -> None:
    """The standard dialogs (查找范围, 取消) are Chinese in the bundle too."""
    shipped = _bundle_paths(built)
    for lang in ("zh_CN", "zh_TW"):
        assert f"PySide6/Qt/translations/qtbase_{lang}.qm" in shipped
    kept = {Path(src).name for _d, src, _t in built.namespace["a"].datas}
    assert {"qtbase_zh_CN.qm", "qtbase_zh_TW.qm"} <= kept
    # and where PyInstaller writes them, the language filter keeps them
    keep = built.namespace["keep_data"]
    assert keep("PySide6/Qt/translations/qtbase_zh_TW.qm")


def test_spec_keeps_unused_qt_out_and_used_qt_in(built: Built) -> None:
    excludes = set(built.analysis["excludes"])
    assert not set(UNUSED_QT) - excludes
    assert not set(USED_QT + LAZY_QT) & excludes
    hidden = set(built.analysis["hiddenimports"])
    assert not set(LAZY_QT) - hidden


def test_spec_hidden_imports_for_dynamic_loading(built: Built) -> None:
    hidden = set(built.analysis["hiddenimports"])
    for name in ["alembic.runtime.migration", "sqlalchemy.dialects.sqlite", "logging.config"]:
        assert name in hidden
    assert "pypinyin" in hidden  # the account picker's pinyin, not imported yet


def test_spec_drops_unused_plugins_and_what_only_they_need(built: Built) -> None:
    kept = {dest for dest, _src, _kind in built.namespace["a"].binaries}
    for dest in [
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "libcairo.so.2",  # needed only by the GTK theme
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6",
        "PySide6/opengl32sw.dll",
    ]:
        assert dest not in kept
    for dest in [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
        "PySide6/Qt/lib/libQt6Gui.so.6",
        "PySide6/QtGui.abi3.so",
        "libsqlite3.so.0",
    ]:
        assert dest in kept
    # The host's desktop libraries come from the host on Linux only.
    linux = sys.platform.startswith("linux")
    assert ("libfontconfig.so.1" in kept) is not linux
    assert ("libcups.so.2" in kept) is not linux


def test_spec_never_drops_what_the_program_needs(built: Built) -> None:
    dropped = built.namespace["dropped"]
    for dest in [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/plugins/styles/qmodernwindowsstyle.dll",
        "PySide6/plugins/printsupport/windowsprintersupport.dll",
        "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
        "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/plugins/imageformats/qsvg.dll",
        "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
        "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
        "PySide6/Qt6Pdf.dll",
        "python311.dll",
    ]:
        assert not dropped(dest), dest
    patterns = built.namespace["LINUX_HOST_LIBS"]
    for name in [
        "libpython3.11.so.1.0",
        "libQt6Core.so.6",
        "libicudata.so.73",
        "libsqlite3.so.0",
        "libxcb-cursor.so.0",
        "libffi.so.8",
    ]:
        assert not any(re.fullmatch(_glob_to_re(p), name) for p in patterns), name


def _glob_to_re(pattern: str) -> str:
    return re.escape(pattern).replace(r"\*", ".*")


def test_spec_keeps_locale_data_of_shipped_languages_only(built: Built) -> None:
    kept = {dest for dest, _src, _kind in built.namespace["a"].datas}
    assert {"babel/global.dat", "babel/locale-data/zh_Hans_CN.dat"} <= kept
    assert {"babel/locale-data/en_US.dat", "PySide6/Qt/translations/qtbase_zh_CN.qm"} <= kept
    assert "babel/locale-data/de.dat" not in kept
    assert "babel/locale-data/en_GB.dat" not in kept
    assert "PySide6/Qt/translations/qtbase_de.qm" not in kept
    assert "PySide6/Qt/translations/qt_help_zh_CN.qm" not in kept
    # A top-level alias of a kept library stays; one of a dropped library goes.
    assert "libQt6Gui.so.6" in kept
    assert "libQt6EglFSDeviceIntegration.so.6" not in kept


def _spec_constant(name: str) -> Any:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"no {name} in the spec")


def test_babel_locales_in_the_bundle_are_all_that_formatting_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import datetime as dt

    import babel.localedata
    from babel import Locale, dates, numbers

    from coopledger import i18n

    shipped = set(_spec_constant("BABEL_LOCALES"))
    loaded: set[str] = set()
    real_load = babel.localedata.load

    def load(name: str, merge_inherited: bool = True) -> Any:
        loaded.add(name)
        return real_load(name, merge_inherited)

    monkeypatch.setattr(babel.localedata, "load", load)
    monkeypatch.setattr(babel.localedata, "_cache", {})
    # babel 2.19 also keeps each locale's wrapped data: emptied too, or a locale some earlier
    # test formatted with would not be loaded again here
    if hasattr(babel.localedata, "_dict_cache"):
        monkeypatch.setattr(babel.localedata, "_dict_cache", {})
    before = i18n.current_language()
    try:
        for lang in i18n.LANGUAGES:
            i18n.set_language(lang)
            tag = str(i18n.locale())
            locale = Locale.parse(tag)  # a fresh instance: loads its data anew
            numbers.format_currency(1234.5, "CNY", locale=locale)
            numbers.format_decimal(1234.5, locale=locale)
            dates.format_date(dt.date(2014, 12, 20), format="long", locale=locale)
            dates.format_datetime(dt.datetime(2014, 12, 20, 9, 30), locale=locale)
            i18n.format_date(dt.date(2014, 12, 20))
    finally:
        i18n.set_language(before)
    assert loaded  # formatting did go through babel's loader
    assert loaded <= shipped, f"babel also needs {sorted(loaded - shipped)}"


# --- the entry script ----------------------------------------------------------------------


def test_entry_script_runs_the_installed_command() -> None:
    tree = ast.parse(ENTRY.read_text(encoding="utf-8"))
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert any(n.module == "coopledger.main" and n.names[0].name == "run" for n in imports)
    assert "run()" in ENTRY.read_text(encoding="utf-8")


def _entry(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The bundle's entry script run as the frozen program runs it."""
    return subprocess.run(
        [sys.executable, str(ENTRY), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def test_entry_script_exits_with_the_commands_status_and_all_its_output(tmp_path: Path) -> None:
    """``run`` ends the process without taking the interpreter apart: the exit status is the
    command's and nothing it wrote is lost (an error; a listing of several buffers)."""
    db = tmp_path / "l.sqlite3"
    bad = _entry("--lang", "en", "--db", str(db), "verify")
    assert bad.returncode == 2, bad.stderr
    assert bad.stderr.strip() and "Traceback" not in bad.stderr
    book = ROOT / "resources" / "demo" / "lotus-cooperative.book.json"
    made = _entry("--db", str(db), "import-book", str(book))
    assert made.returncode == 0, made.stderr
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    listed = _entry("--db", str(db), "audit", "--json", env=buffered)
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.encode()) > 8192  # more than the output's buffer holds
    # and whole, to its last line's end: what was still in the buffer was flushed at the exit
    assert listed.stdout.endswith("\n")
    assert json.loads(listed.stdout)


def test_entry_script_starts_the_program(tmp_path: Path) -> None:
    done = _entry("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("coopledger ")


# --- the Windows installer script ----------------------------------------------------------


@pytest.fixture(scope="module")
def nsi() -> str:
    raw = NSI.read_bytes()
    # makensis reads a script as UTF-8 only with the byte-order mark (else as the ANSI code page).
    assert raw.startswith(b"\xef\xbb\xbf")
    return raw.decode("utf-8-sig")


def _section(nsi: str, name: str) -> str:
    match = re.search(rf'^Section "{name}"\n(.*?)^SectionEnd', nsi, re.S | re.M)
    assert match, f"no section {name}"
    return match.group(1)


def _code(text: str) -> str:
    """The script without comments."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(";"))


def test_nsi_installs_per_user_without_admin(nsi: str) -> None:
    code = _code(nsi)
    assert "Unicode true" in code
    assert re.search(r"^RequestExecutionLevel user$", code, re.M)
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\coopledger"' in code
    assert "HKLM" not in code  # per-user: the uninstall entry is under HKCU
    assert 'WriteRegStr HKCU "${UNINST_KEY}" "UninstallString"' in code


def test_nsi_is_in_simplified_chinese(nsi: str) -> None:
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in nsi
    assert "LANG_SIMPCHINESE" in nsi
    assert "合作社账本" in nsi


def test_nsi_makes_shortcuts_and_an_uninstaller(nsi: str) -> None:
    install = _code(_section(nsi, "Install"))
    assert 'CreateShortcut "$SMPROGRAMS\\' in install
    assert 'CreateShortcut "$DESKTOP\\' in install
    assert 'WriteUninstaller "$INSTDIR\\uninstall.exe"' in install
    assert 'File /r "${BUNDLE_DIR}\\*"' in install
    assert "MUI_ICON" in nsi and (INSTALLER / "coopledger.ico").is_file()


def test_nsi_data_folder_is_where_the_program_keeps_the_ledger(
    nsi: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import PureWindowsPath

    import platformdirs.windows

    from coopledger.paths import APP_NAME

    folders = {
        "CSIDL_LOCAL_APPDATA": "C:\\Users\\kuaiji\\AppData\\Local",
        "CSIDL_APPDATA": "C:\\Users\\kuaiji\\AppData\\Roaming",
    }
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", folders.__getitem__)
    # As coopledger.paths.user_data_dir asks for it, on Windows.
    data = platformdirs.windows.Windows(appname=APP_NAME, appauthor=False).user_data_dir
    assert PureWindowsPath(data) == PureWindowsPath("C:/Users/kuaiji/AppData/Local/coopledger")
    assert '!define DATA_DIR "$LOCALAPPDATA\\coopledger"' in nsi


def test_nsi_never_deletes_the_data_folder(nsi: str) -> None:
    code = _code(nsi)
    deleting = [
        line.strip()
        for line in code.splitlines()
        if re.match(r"\s*(Delete|RMDir)\b", line) and "$INSTDIR" not in line
    ]
    # Outside the program folder only the shortcuts go.
    assert all("$SMPROGRAMS" in line or "$DESKTOP" in line for line in deleting), deleting
    for line in code.splitlines():
        if re.match(r"\s*(Delete|RMDir)\b", line):
            assert "DATA_DIR" not in line and "$LOCALAPPDATA" not in line, line
        if re.match(r"\s*RMDir\s+/r\b", line):
            # Recursive removal only of the bundle's own folder, never of $INSTDIR itself
            # (the user may have chosen a folder that holds other files).
            assert line.strip() == 'RMDir /r "$INSTDIR\\_internal"', line
    uninstall = _code(_section(nsi, "Uninstall"))
    assert 'RMDir "$INSTDIR"' in uninstall  # removed only when empty


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (nsis) not installed")
def test_nsi_compiles(tmp_path: Path) -> None:
    """makensis builds the script around a stand-in bundle (the real one: make bundle)."""
    bundle = tmp_path / "coopledger"
    (bundle / "_internal" / "db" / "versions").mkdir(parents=True)
    (bundle / "coopledger.exe").write_bytes(b"MZ stand-in")
    (bundle / "_internal" / "db" / "versions" / "0001_initial_schema.py").write_text("")
    out = tmp_path / "coopledger-setup-0.0.1.exe"
    done = subprocess.run(
        [
            "makensis",
            "-V2",
            "-WX",  # warnings are errors
            "-DVERSION=0.0.1",
            f"-DBUNDLE_DIR={bundle}",
            f"-DOUTFILE={out}",
            str(NSI),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.stat().st_size > 30_000
