"""Where the photos' files live: PHOTO_DIR (kernel/settings.py), a directory on a volume.

Each photo has a random key (128 bits from `secrets`, 32 hex digits) that names its files and its
address (/photos/<key>): never a name the uploader chose, never a number one could count through.
The files of key k are <dir>/<k[:2]>/<k>.jpg (or .png), the displayable original, and <k>.thumb.jpg,
the thumbnail; 256 subdirectories keep any one directory small. Nothing here serves them: the web app
reads them back only for a person whose scope covers the photo (dashboard/photos.py).

Written atomically: into a temporary file in the same directory, flushed to disk, then renamed over
the final name (a rename within one file system is atomic), so a reader never sees half a photo and
a crash leaves at most a stray temporary file, never a torn one.
"""
from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path

KEY = re.compile(r"[0-9a-f]{32}")
THUMB = ".thumb.jpg"


def new_key() -> str:
    return secrets.token_hex(16)


def folder(photo_dir: str | Path, key: str) -> Path:
    if not KEY.fullmatch(key):  # a key is only ever ours; nothing else may become a path
        raise ValueError("not a photo key")
    return Path(photo_dir) / key[:2]


def original_path(photo_dir: str | Path, key: str, content_type: str) -> Path:
    return folder(photo_dir, key) / (key + (".png" if content_type == "image/png" else ".jpg"))


def thumbnail_path(photo_dir: str | Path, key: str) -> Path:
    return folder(photo_dir, key) / (key + THUMB)


def write_atomically(path: Path, data: bytes) -> None:
    """`data` at `path`, whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
