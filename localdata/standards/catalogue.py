"""Load standards: the built-in ones shipped with the package, and any imported locally."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from localdata.errors import StandardFileInvalid, UnknownStandard
from localdata.standards.model import Standard


def parse_standard(text: str, origin: str) -> Standard:
    """Build a standard from the text of a TOML standard file."""
    try:
        return Standard.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise StandardFileInvalid(f"The standard file {origin} cannot be used: {exc}") from exc


@cache
def builtin_standards() -> tuple[Standard, ...]:
    """Every standard shipped in the package, in name then version order."""
    folder = resources.files("localdata.standards") / "data"
    found = [
        parse_standard(entry.read_text(encoding="utf-8"), entry.name)
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    ]
    return tuple(sorted(found, key=lambda s: (s.name, version_key(s.version))))


def version_key(version: str) -> tuple[int | str, ...]:
    """A sort key that puts 1.10 after 1.9."""
    return tuple(int(p) if p.isdigit() else p for p in version.replace("-", ".").split("."))


class StandardCatalogue:
    """The standards this library knows: built-in ones plus those imported into a folder."""

    def __init__(self, local_dir: Path | None = None) -> None:
        self.local_dir = local_dir

    def all(self) -> tuple[Standard, ...]:
        """Every version of every standard, in name then version order."""
        found = list(builtin_standards()) + list(self._local())
        return tuple(sorted(found, key=lambda s: (s.name, version_key(s.version))))

    def latest(self) -> tuple[Standard, ...]:
        """The latest version of each standard, in name order."""
        by_name: dict[str, Standard] = {}
        for standard in self.all():
            by_name[standard.name] = standard
        return tuple(by_name.values())

    def get(self, name: str, version: str | None = None) -> Standard:
        """The standard with this name (and version; the latest when none is given)."""
        matches = [s for s in self.all() if s.name == name.strip().lower()]
        if version is not None:
            matches = [s for s in matches if s.version == version]
        if not matches:
            known = ", ".join(s.name for s in self.latest())
            raise UnknownStandard(
                f"There is no standard called '{name}'"
                + (f" at version {version}" if version else "")
                + f". Choose one of: {known}."
            )
        return matches[-1]

    def _local(self) -> Iterable[Standard]:
        if self.local_dir is None or not self.local_dir.is_dir():
            return ()
        return [_read_json(path) for path in sorted(self.local_dir.glob("*.json"))]

    def save(self, standard: Standard) -> Path:
        """Keep an imported standard in the local folder, replacing one of the same version."""
        if self.local_dir is None:
            raise StandardFileInvalid("This library has no folder to keep imported standards in.")
        self.local_dir.mkdir(parents=True, exist_ok=True)
        path = self.local_dir / f"{standard.name}@{standard.version}.json"
        partial = path.with_name(path.name + ".partial")
        partial.write_text(standard.model_dump_json(indent=2), encoding="utf-8")
        partial.replace(path)
        return path


def _read_json(path: Path) -> Standard:
    try:
        return Standard.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise StandardFileInvalid(f"The saved standard {path.name} cannot be used: {exc}") from exc
