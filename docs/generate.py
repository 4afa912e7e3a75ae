"""Regenerate every number the documents quote, so a model change cannot leave them stale.

`make docs` (or `python docs/generate.py`) runs the commands each marked block quotes, through
the `sim` command in a temporary copy of scenarios/, data/ and exercises/, and rewrites the
blocks between `<!-- generated: KEY -->` and `<!-- /generated -->` in README.md and
exercises/*.md; it copies the figures the README shows into docs/img/. `--check` writes
nothing and exits 1 listing the stale blocks; `--only KEY` does one block; `--root DIR` works
on another copy of the repository. The keys and what each runs are in docs/blocks_*.py.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from workspace import Failed, Workspace

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
#: What the documents may mark; every marked file is scanned for blocks.
DOCUMENTS = ("README.md", "exercises/*.md")
#: A block on lines of its own, or inline in a sentence (then without newlines around it).
BLOCK = re.compile(r"(<!-- generated: ([a-z0-9-]+) -->(\n?))(.*?)(<!-- /generated -->)", re.S)
#: What the generated numbers depend on: the results of every shipped scenario (their hashes in
#: tests/identity.json change with any change to the model's results), the inputs the commands
#: read, the benchmark's last figures, and the generators. `make docs` stamps their digest into
#: STAMP; a fast test compares.
INPUTS = ("tests/identity.json", "scenarios/*", "data/*", "exercises/class/*.toml", "docs/*.py",
          "benchmarks/latest.json")
STAMP = "docs/generated.json"
MARKER = re.compile(r"<!-- generated: ([a-z0-9-]+) -->")


Generator = Callable[[Workspace], str]


@dataclass(frozen=True)
class Block:
    """A marked block: the document it lives in and the function that writes its text."""

    document: str
    make: Generator


def registry() -> dict[str, Block]:
    """Every key a document may mark, from the block modules beside this file."""
    import blocks_bench
    import blocks_corridor
    import blocks_explore
    import blocks_forecast
    import blocks_model
    import blocks_readme
    import blocks_sheets
    import blocks_width
    import blocks_ws12
    import blocks_ws34
    import blocks_ws56

    found: dict[str, Block] = {}
    for module in (blocks_readme, blocks_bench, blocks_forecast, blocks_model, blocks_ws12,
                   blocks_ws34, blocks_ws56, blocks_sheets, blocks_explore, blocks_width,
                   blocks_corridor):
        for key, (document, make) in module.BLOCKS.items():
            if key in found:
                raise ValueError(f"key {key} is defined twice")
            found[key] = Block(document, make)
    return found


def figures() -> list[tuple[str, str, str]]:
    """(command, figure it wrote relative to the copy, name in docs/img) for the README."""
    import blocks_explore
    import blocks_readme

    return [*blocks_readme.FIGURES, *blocks_explore.FIGURES]


def documents(root: Path) -> Iterator[Path]:
    """The Markdown files that may hold generated blocks."""
    for pattern in DOCUMENTS:
        yield from sorted(root.glob(pattern))


def markers(root: Path) -> dict[str, list[str]]:
    """Every key marked in the documents, with the files (one per marker) it appears in."""
    seen: dict[str, list[str]] = {}
    for doc in documents(root):
        for key in MARKER.findall(doc.read_text()):
            seen.setdefault(key, []).append(str(doc.relative_to(root)))
    return seen


def rewrite(text: str, key: str, body: str) -> str:
    """The document with the block KEY holding BODY (one newline around it)."""
    def put(match: re.Match[str]) -> str:
        if match.group(2) != key:
            return match.group(0)
        end = match.group(3)
        return f"{match.group(1)}{body.strip(chr(10))}{end}{match.group(5)}"

    return BLOCK.sub(put, text)


def stale(root: Path, keys: list[str], ws: Workspace, blocks: dict[str, Block],
          write: bool) -> list[str]:
    """Regenerate KEYS; return those whose text differs, writing them unless only checking."""
    for key in keys:  # before any command runs
        if f"<!-- generated: {key} -->" not in (root / blocks[key].document).read_text():
            raise Failed(f"{blocks[key].document}: no block marked {key}")
    differ = []
    for key in keys:
        block = blocks[key]
        doc = root / block.document
        body = block.make(ws)
        before = doc.read_text()  # after the commands ran: an edit made meanwhile is kept
        after = rewrite(before, key, body)
        if after != before:
            differ.append(f"{block.document}: {key}")
            if write:
                doc.write_text(after)
    return differ


def inputs_digest(root: Path) -> str:
    """The sha256 of every input the generated blocks depend on (names and contents)."""
    digest = hashlib.sha256()
    for pattern in INPUTS:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def stamp(root: Path) -> None:
    """Record that every block was regenerated from today's inputs."""
    (root / STAMP).write_text(f'{{"inputs_sha256": "{inputs_digest(root)}"}}\n')


def copy_figures(root: Path, ws: Workspace) -> None:
    """Run the commands whose figures the README shows and copy them into docs/img/."""
    for command, source, name in figures():
        ws.sim(command)
        shutil.copyfile(ws.path(source), root / "docs" / "img" / name)


def main(argv: list[str] | None = None) -> int:
    """`make docs`: regenerate (or with --check, compare) every generated block."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument("--only", action="append", metavar="KEY", help="this block only")
    parser.add_argument("--root", type=Path, default=HERE.parent, help="repository to work on")
    parser.add_argument("--list", action="store_true", help="print the keys and exit")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    blocks = registry()
    if args.list:
        print("\n".join(f"{k}\t{b.document}" for k, b in blocks.items()))
        return 0
    keys = args.only or list(blocks)
    unknown = [k for k in keys if k not in blocks]
    if unknown:
        print(f"error: --only: unknown key {', '.join(unknown)} (see --list)", file=sys.stderr)
        return 2
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="peacesim-docs-") as tmp:
        ws = Workspace.copy(root, Path(tmp))
        try:
            differ = stale(root, keys, ws, blocks, write=not args.check)
            if not args.check and not args.only:
                copy_figures(root, ws)
                stamp(root)
        except Failed as failed:
            print(f"error: {failed}", file=sys.stderr)
            return 2
    took = time.monotonic() - start
    if args.check:
        for line in differ:
            print(f"stale: {line}")
        print(f"{len(differ)} of {len(keys)} blocks stale ({took:.0f} s)", file=sys.stderr)
        return 1 if differ else 0
    print(f"{len(differ)} of {len(keys)} blocks rewritten ({took:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
