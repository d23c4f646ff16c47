"""An on-disk cache of built label indexes, so a restarted process skips building them.

Entries are plain NumPy archives read with `allow_pickle=False` (a planted file can at worst
give wrong scores, never run code), named by a SHA-256 of everything an index is built from:
the label table (texts, concepts, label types), the linker configuration and this module's
format number. A changed extract or configuration therefore never reads a stale entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

CACHE_ENV = "MILE_ESCO_CACHE"
# Bump when the layout of an entry or the way indexes are built changes.
CACHE_FORMAT = 1

type Arrays = dict[str, npt.NDArray[Any]]


def default_cache_dir() -> Path | None:
    """`$MILE_ESCO_CACHE` (empty: no cache), else `var/esco-cache` in the checkout when it
    can be written, else a private folder in the system's temporary directory."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file():
            var = parent / "var"
            if os.access(var if var.is_dir() else parent, os.W_OK):
                return var / "esco-cache"
            break
    return Path(tempfile.gettempdir()) / f"mile-esco-cache-{os.getuid()}"


def cache_key(*parts: str | bytes) -> str:
    digest = hashlib.sha256(f"mile-esco-index-{CACHE_FORMAT}".encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _usable(folder: Path) -> bool:
    """The folder exists (made private if we create it) and belongs to this user."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder.stat().st_uid == os.getuid()
    except OSError:
        return False


def read_entry(folder: Path | None, name: str) -> Arrays | None:
    """The arrays stored under `name`, or None when absent or unreadable."""
    if folder is None:
        return None
    path = folder / f"{name}.npz"
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
        return None


def write_entry(folder: Path | None, name: str, arrays: Arrays) -> None:
    """Store the arrays atomically; a cache that cannot be written is silently skipped."""
    if folder is None or not _usable(folder):
        return
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".npz")
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, **arrays)  # type: ignore[arg-type]
        os.replace(temporary, folder / f"{name}.npz")
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def pack_strings(strings: list[str] | tuple[str, ...]) -> npt.NDArray[np.uint8]:
    return np.frombuffer("\n".join(strings).encode(), dtype=np.uint8)


def unpack_strings(packed: npt.NDArray[np.uint8]) -> list[str]:
    text = packed.tobytes().decode()
    return text.split("\n") if text else []


def pack_csr(prefix: str, matrix: Any) -> Arrays:
    return {
        f"{prefix}.data": matrix.data,
        f"{prefix}.indices": matrix.indices,
        f"{prefix}.indptr": matrix.indptr,
        f"{prefix}.shape": np.asarray(matrix.shape, dtype=np.int64),
    }


def unpack_csr(prefix: str, arrays: Arrays) -> Any:
    shape = tuple(int(n) for n in arrays[f"{prefix}.shape"])
    return sp.csr_matrix(
        (arrays[f"{prefix}.data"], arrays[f"{prefix}.indices"], arrays[f"{prefix}.indptr"]),
        shape=shape,
    )
