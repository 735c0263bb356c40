"""A folder's outputs are reused only while the manifest vouches for every byte of them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from lipassess.services import output_manifest
from lipassess.services.output_manifest import MANIFEST, forget, record, reusable, source_hash


@pytest.fixture
def written(tmp_path: Path) -> dict[str, list[Path]]:
    (tmp_path / "summaries").mkdir()
    (tmp_path / "tables").mkdir()
    files = {"summaries_pdf": [tmp_path / "summaries" / "summary-program-en.pdf"],
             "tables": [tmp_path / "tables" / "a.csv", tmp_path / "tables" / "b.csv"]}
    files["summaries_pdf"][0].write_bytes(b"%PDF-1.7 synthetic")
    files["tables"][0].write_text("x,y\n1,2\n", encoding="utf-8")
    files["tables"][1].write_text("x,y\n3,4\n", encoding="utf-8")
    record(tmp_path, "fingerprint-1", files)
    return files


def test_the_same_fingerprint_and_untouched_files_are_reused(tmp_path: Path, written) -> None:
    assert reusable(tmp_path, "fingerprint-1") == {kind: sorted(paths) for kind, paths in written.items()}
    listed = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))["files"]
    # the recorded hash is the file's SHA-256, worked out here independently
    assert listed["tables"]["tables/a.csv"] == hashlib.sha256(b"x,y\n1,2\n").hexdigest()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".outputs-")] == []  # no temporary left


def test_another_fingerprint_is_not_reused(tmp_path: Path, written) -> None:
    assert reusable(tmp_path, "fingerprint-2") is None


@pytest.mark.parametrize("change", ["edited, same size", "deleted", "made a folder"])
def test_a_changed_file_means_writing_them_all_again(tmp_path: Path, written, change: str) -> None:
    target = written["tables"][1]
    if change == "edited, same size":
        target.write_text("x,y\n3,5\n", encoding="utf-8")
    elif change == "deleted":
        target.unlink()
    else:
        target.unlink()
        target.mkdir()
    assert reusable(tmp_path, "fingerprint-1") is None


@pytest.mark.parametrize("manifest", [
    None, "", "{not json", "\udcff", "[]", '{"format": 1, "fingerprint": "fingerprint-1"}',
    '{"format": 2, "fingerprint": "fingerprint-1", "files": {}}',
    '{"format": 1, "fingerprint": "fingerprint-1", "files": []}',
    '{"format": 1, "fingerprint": "fingerprint-1", "files": {"tables": ["tables/a.csv"]}}',
    '{"format": 1, "fingerprint": "fingerprint-1", "files": {"tables": {"tables/a.csv": 7}}}',
])
def test_a_missing_or_malformed_manifest_is_not_trusted(tmp_path: Path, written, manifest: str | None) -> None:
    path = tmp_path / MANIFEST
    if manifest is None:
        path.unlink()
    else:
        path.write_bytes(manifest.encode("utf-8", "surrogateescape"))
    assert reusable(tmp_path, "fingerprint-1") is None


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/hostname", "", ".", "summaries/../../outside.txt"])
def test_a_manifest_naming_a_file_outside_the_folder_is_not_trusted(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("not an output", encoding="utf-8")
    digest = hashlib.sha256(outside.read_bytes()).hexdigest()
    (folder / MANIFEST).write_text(json.dumps({"format": 1, "fingerprint": "f", "files": {"x": {name: digest}}}),
                                   encoding="utf-8")
    assert reusable(folder, "f") is None


def test_forget_removes_the_manifest_and_tolerates_none(tmp_path: Path, written) -> None:
    forget(tmp_path)
    assert not (tmp_path / MANIFEST).exists() and reusable(tmp_path, "fingerprint-1") is None
    forget(tmp_path)  # nothing to remove: no error


def test_record_refuses_a_file_outside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    (tmp_path / "elsewhere.csv").write_text("x\n", encoding="utf-8")
    with pytest.raises(ValueError):
        record(tmp_path / "demo", "f", {"tables": [tmp_path / "elsewhere.csv"]})
    assert not (tmp_path / "demo" / MANIFEST).exists()


def test_the_source_hash_follows_templates_and_ignores_bytecode(tmp_path: Path) -> None:
    def tree(name: str, template: str, bytecode: bytes) -> Path:
        root = tmp_path / name
        (root / "templates").mkdir(parents=True)
        (root / "__pycache__").mkdir()
        (root / "module.py").write_text("X = 1\n", encoding="utf-8")
        (root / "templates" / "summary.html").write_text(template, encoding="utf-8")
        (root / "__pycache__" / "module.cpython-311.pyc").write_bytes(bytecode)
        return root

    output_manifest.source_hash.cache_clear()
    first = source_hash(tree("a", "<h1>{{ title }}</h1>", b"\x00"))
    assert source_hash(tree("b", "<h1>{{ title }}</h1>", b"\x01")) == first  # bytecode is not the source
    assert source_hash(tree("c", "<h2>{{ title }}</h2>", b"\x00")) != first  # a template changes outputs
    renamed = tree("d", "<h1>{{ title }}</h1>", b"\x00")
    (renamed / "templates" / "summary.html").rename(renamed / "templates" / "other.html")
    assert source_hash(renamed) != first  # the same bytes under another name are another tree
