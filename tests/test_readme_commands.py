"""README.md's list of commands says how to call each one: every required argument and every
required option of a command appears in its entry (the tester ran `check-applications` as written
and was told a USERNAME was missing)."""
from __future__ import annotations

import re
from pathlib import Path

import click

README = Path(__file__).resolve().parent.parent / "README.md"


def _command_entries() -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index("Every command has `--help`")
    paragraph = text[start:text.index("\n\n", start)]
    return re.findall(r"`([^`]+)`", paragraph)[1:]  # skip `--help`


def _lookup(group: click.Group, words: list[str]) -> tuple[click.Command, list[str]]:
    ctx = click.Context(group)
    cmd: click.Command = group
    while isinstance(cmd, click.Group) and words and (sub := cmd.get_command(ctx, words[0])) is not None:
        cmd, words = sub, words[1:]
    return cmd, words


def test_every_listed_command_shows_its_required_arguments_and_options(app):
    entries = _command_entries()
    assert any(e.startswith("check-applications") for e in entries)
    for entry in entries:
        cmd, _rest = _lookup(app.cli, entry.split())
        assert cmd is not app.cli, f"README lists an unknown command: {entry}"
        words = set(entry.replace("[", " ").replace("]", " ").split())
        for param in cmd.params:
            if not param.required:
                continue
            if isinstance(param, click.Argument):
                assert param.human_readable_name in words, f"{entry!r} does not show {param.human_readable_name}"
            else:
                assert words & set(param.opts), f"{entry!r} does not show {param.opts[0]}"


def test_the_walkthrough_uses_sample_files_of_the_repository():
    """A clone outside the workplace has no ../shared/data: every sample file the README names is one
    of tests/data, and the supplement is imported into the same year as the list it adds to (E1)."""
    text = README.read_text(encoding="utf-8")
    named = re.findall(r"(?<![\w/.])((?:\.\./shared/data|tests/data)/[\w.-]+\.(?:xlsx|csv))", text)
    assert "tests/data/ho-ngheo-2025-phu-tan.xlsx" in named and "tests/data/ho-ngheo-2025-bo-sung.csv" in named
    for path in named:
        assert path.startswith("tests/data/") and (README.parent / path).is_file(), path
    assert "import-households tests/data/ho-ngheo-2025-bo-sung.csv --year 2026 --supplement" in text
    assert "«Phân bổ máy cho xã»" in text and "«Ghi phân bổ mới…»" in text
