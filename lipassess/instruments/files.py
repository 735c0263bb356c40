"""Finding instrument files, loading a directory of them, and the bundled directory.

Cross-file rules live here: one content per id and version, and a
``pairs_with`` that names an instrument whose items the form mirrors.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from lipassess.errors import NotFound
from lipassess.instruments.loading import check_file
from lipassess.instruments.model import Instrument
from lipassess.instruments.problems import Problem, problems_error


def instrument_files(path: str | Path) -> list[Path]:
    """The instrument files a path stands for: the file itself, or a directory's ``*.yaml``."""
    path = Path(path)
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.glob("*.yaml") if p.is_file())
    raise NotFound(f"{path}: no such file or directory")


def _check_directory(directory: Path) -> tuple[list[Instrument], list[Problem]]:
    loaded: list[tuple[Path, Instrument]] = []
    problems: list[Problem] = []
    for path in instrument_files(directory):
        instrument, file_problems = check_file(path)
        problems += file_problems
        if instrument is not None:
            loaded.append((path, instrument))
    return _check_set(loaded, problems)


def _check_set(
    loaded: list[tuple[Path, Instrument]], problems: list[Problem]
) -> tuple[list[Instrument], list[Problem]]:
    """Cross-file rules: one content per id+version; pairs_with names a mirrored instrument."""
    kept: dict[tuple[str, str], tuple[Path, Instrument]] = {}
    for path, instrument in loaded:
        key = (instrument.id, instrument.version)
        if key not in kept:
            kept[key] = (path, instrument)
        elif kept[key][1].content_hash != instrument.content_hash:
            problems.append(Problem(source=str(path), message=(
                f"instrument {instrument.id!r} version {instrument.version!r} is also defined, "
                f"with different content, in {kept[key][0]}; give the edited copy a new version"
            )))
    instruments = [inst for _, inst in kept.values()]
    by_id: dict[str, list[Instrument]] = {}
    for inst in instruments:
        by_id.setdefault(inst.id, []).append(inst)
    for path, inst in kept.values():
        if inst.pairs_with is None:
            continue
        targets = by_id.get(inst.pairs_with)
        if not targets:
            problems.append(Problem(source=str(path), message=(
                f"field 'pairs_with': no instrument {inst.pairs_with!r} in this directory; "
                "add its file or fix the id"
            )))
            continue
        mismatches = [mirror_mismatch(inst, target) for target in targets]
        if all(mismatches):
            problems.append(Problem(source=str(path), message=(
                f"field 'pairs_with': does not mirror {inst.pairs_with!r}: {mismatches[0]}"
            )))
    instruments.sort(key=lambda i: (i.id, i.version))
    return instruments, problems


def mirror_mismatch(form: Instrument, target: Instrument) -> str | None:
    """Why ``form`` does not mirror ``target`` (None when it does).

    Mirroring means the same item ids in the same order, the same types,
    subscales, reverse flags and scale ranges, so their scores are comparable.
    """
    if form.item_ids != target.item_ids:
        missing = [i for i in target.item_ids if i not in form.item_ids]
        extra = [i for i in form.item_ids if i not in target.item_ids]
        if missing or extra:
            return f"item ids differ (missing: {missing or 'none'}; extra: {extra or 'none'})"
        return "items are in a different order"
    for mine, theirs in zip(form.items, target.items, strict=True):
        if (mine.type, mine.subscale, mine.reverse) != (theirs.type, theirs.subscale,
                                                         theirs.reverse):
            return (f"item {mine.id!r}: type, subscale or reverse flag differs "
                    f"({mine.type}, {mine.subscale}, reverse={mine.reverse} vs "
                    f"{theirs.type}, {theirs.subscale}, reverse={theirs.reverse})")
        if mine.scored:
            a, b = form.scale_of(mine), target.scale_of(theirs)
            if (a.min, a.max) != (b.min, b.max):
                return f"item {mine.id!r}: scale range {a.min}..{a.max} vs {b.min}..{b.max}"
    if [(s.id, s.items) for s in form.subscales] != [(s.id, s.items) for s in target.subscales]:
        return "subscales differ"
    return None


def load_instruments(directory: str | Path) -> list[Instrument]:
    """Load every ``*.yaml`` instrument in ``directory``, sorted by id and version.

    Files defining the same id and version with identical content count once;
    with different content they are an error, as is a ``pairs_with`` that names
    no instrument in the directory or one whose items the form does not mirror.

    Raises
    ------
    NotFound
        ``directory`` does not exist.
    InvalidInput
        Any file is invalid, or the set breaks a cross-file rule.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise NotFound(f"{directory}: no such directory of instruments")
    instruments, problems = _check_directory(directory)
    if problems:
        raise problems_error(problems)
    return instruments


def validate_path(path: str | Path) -> list[Problem]:
    """Every problem in an instrument file or a directory of them (empty list: all valid).

    Raises :class:`NotFound` when ``path`` does not exist.
    """
    path = Path(path)
    files = instrument_files(path)
    if path.is_dir():
        if not files:
            return [Problem(source=str(path), message="no *.yaml instrument files here")]
        return _check_directory(path)[1]
    return check_file(path)[1]


def bundled_instruments_dir() -> Path:
    """The directory of the instruments shipped with lipassess.

    In a checkout (or an editable install) that is the repository's top-level
    ``instruments/`` (recognised by its ``FORMAT.md``); in an installed wheel
    the same files are packaged as ``lipassess.bundled_instruments``.
    """
    checkout = Path(__file__).resolve().parents[2] / "instruments"
    if (checkout / "FORMAT.md").is_file():
        return checkout
    packaged = resources.files("lipassess") / "bundled_instruments"
    return Path(str(packaged))
