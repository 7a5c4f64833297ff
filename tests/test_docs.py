"""The examples in the README and the docs are executed: every number they show is computed."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_markdown_examples_run(path: Path) -> None:
    result = doctest.testfile(
        str(path), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.failed == 0


def _console_blocks(text: str) -> list[tuple[str, str]]:
    """``(command, expected output)`` for every ```console block of a markdown text."""
    blocks = []
    for chunk in text.split("```console\n")[1:]:
        body = chunk.split("```", 1)[0]
        first, _, rest = body.partition("\n")
        blocks.append((first.removeprefix("$ ").strip(), rest))
    return blocks


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_console_examples_match_the_cli(path: Path, capsys, monkeypatch) -> None:
    from arrangement.cli.app import main

    monkeypatch.chdir(ROOT)
    for command, expected in _console_blocks(path.read_text()):
        argv = command.split()
        assert argv[0] == "arrangement"
        code = main(argv[1:])
        out = capsys.readouterr().out
        assert code == 0, command
        assert out == expected, command
