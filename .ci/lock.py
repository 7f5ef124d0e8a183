"""Write the lock files, every pin with its hashes, from the requirements files (`make lock`).

    python .ci/lock.py            # needs pip-tools: `make lock` runs it in a throwaway venv

requirements.txt (production), requirements-local.txt (`make run` only: the embedded broker and
Redis) and requirements-dev.txt (tests) name what the product uses directly. Each lock holds every
package its layer adds, pinned, with the sha256 of every file PyPI has for that version (any
platform), so `pip install --require-hashes` installs exactly what was locked, or nothing:
- requirements.lock: production (the Dockerfile installs it alone);
- requirements-local.lock: what `make run` adds on top;
- requirements-dev.lock: what the tests add on top of both.
A version already in a lock is kept (pip-compile reuses the pins of its output file); to move one,
edit requirements*.txt or delete the line from the lock first.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = (("requirements.txt", "requirements.lock"),
          ("requirements-local.txt", "requirements-local.lock"),
          ("requirements-dev.txt", "requirements-dev.lock"))
HEADERS = {
    "requirements.lock": "Every production package, pinned with its hashes: what the Dockerfile installs.",
    "requirements-local.lock": "What `make run` adds to requirements.lock: the embedded broker and Redis.",
    "requirements-dev.lock": "What the tests add to requirements.lock and requirements-local.lock.",
}
_ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", re.M)


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def entries(text: str) -> dict[str, str]:
    """Each pinned package's name (normalised) -> its whole entry (the pin, its hashes, its 'via')."""
    starts = [(m.start(), normal(m.group(1))) for m in _ENTRY.finditer(text)]
    found = {}
    for (start, name), following in zip(starts, starts[1:] + [(len(text), "")]):
        found[name] = text[start:following[0]].rstrip() + "\n"
    return found


def compile_layer(inputs: list[Path], previous: str, scratch: Path) -> dict[str, str]:
    """Every package the inputs need, hashed; pins of `previous` (an earlier lock) kept."""
    out = scratch / "out.txt"
    out.write_text(previous)
    subprocess.run([sys.executable, "-m", "piptools", "compile", "--quiet", "--generate-hashes", "--allow-unsafe",
                    "--no-header", "--strip-extras", "--output-file", str(out), *map(str, inputs)],
                   check=True, cwd=ROOT)
    return entries(out.read_text())


def main() -> None:
    done: dict[str, str] = {}  # every package locked by a lower layer
    inputs: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        for source, lock in LAYERS:
            inputs.append(Path(source))  # relative to ROOT (the cwd): `# via -r requirements.txt`, the same
            # in every checkout
            previous = "".join(entries((ROOT / lock).read_text()).values()) if (ROOT / lock).exists() else ""
            previous += "".join(done.values())
            layer = compile_layer(inputs, previous, Path(scratch))
            mine = {name: entry for name, entry in sorted(layer.items()) if name not in done}
            changed = [name for name in done if name in layer and _pin(layer[name]) != _pin(done[name])]
            if changed:
                raise SystemExit(f"{lock}: would move {', '.join(changed)} locked below; pin them in {source}")
            text = f"# {HEADERS[lock]}\n# Written by `make lock` (.ci/lock.py) from {source}; do not edit by hand.\n"
            (ROOT / lock).write_text(text + "".join(mine.values()))
            done.update(mine)
            print(f"{lock}: {len(mine)} packages")


def _pin(entry: str) -> str:
    return entry.split()[0]


if __name__ == "__main__":
    main()
