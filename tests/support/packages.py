"""Year-end packages for the tests: made once per session from the demo ledger, and rewritten
with one change at a time (a byte, a file added or removed, a manifest edited, a new key)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

COLLECTIVE = "山邑村股份经济合作社"
COOPERATIVE = "山邑村红莲藕种植专业合作社"


def members(path: Path) -> dict[str, bytes]:
    """Every file of a zip, in order."""
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def write_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def rewrite(src: Path, out: Path, **changes: bytes | None) -> Path:
    """``src`` with some files replaced (``None`` removes one; a new name adds one). Names
    are given with ``_`` for ``.`` and ``-`` (``book_json``, ``audit_head_json``)."""
    files = members(src)
    by_key = {n.replace(".", "_").replace("-", "_"): n for n in files}
    for key, data in changes.items():
        name = by_key.get(key, key.replace("_", "."))
        if data is None:
            files.pop(name)
        else:
            files[name] = data
    return write_zip(out, files)


def resign(src: Path, out: Path, *, edit: dict[str, object] | None = None) -> tuple[Path, str]:
    """``src`` signed anew with a key of its own (after editing the manifest's top-level
    fields): a package that is intact but not the village's. Returns it and the new key's
    fingerprint."""
    from coopledger.domain.package import fingerprint
    from coopledger.services.orgkey import new_key_pair, sign

    files = members(src)
    manifest = json.loads(files["manifest.json"])
    manifest.update(edit or {})
    key, public = new_key_pair()
    manifest["key"] = {
        "algorithm": "ed25519",
        "public_key": public.hex(),
        "fingerprint": fingerprint(public),
    }
    raw = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    files["manifest.json"] = raw
    files["manifest.sig"] = (sign(key, raw).hex() + "\n").encode("ascii")
    return write_zip(out, files), fingerprint(public)
