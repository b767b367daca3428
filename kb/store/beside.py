"""Where kb keeps its own files for a store: the history, the indexes, the write lock.

For an embedded store they live in the store's folder, and go wherever it goes. A
SPARQL server's store has no folder of kb's, so they live in a folder of this user's,
named by a digest of the server's URL:

- the history is data (archived versions cannot be rebuilt): under
  ``$XDG_DATA_HOME/claimkb/`` (``~/.local/share/claimkb/``);
- the indexes and the lock can be rebuilt from the store: under
  ``$XDG_CACHE_HOME/claimkb/`` (``~/.cache/claimkb/``).

Each such folder holds a ``server.txt`` naming its URL. They were in the temporary
folder before, where a reboot wiped the history: :func:`beside` moves a history found
there over the first time it is asked for it (the indexes are rebuilt instead).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile

from ..errors import StoreError
from . import is_remote

__all__ = ["beside"]

# Where a SPARQL server's history was kept before: the temporary folder.
_LEGACY_HISTORY = "kb-history-{key}"


def beside(location: str, name: str, *, durable: bool = False) -> str:
    """The path of kb's file or folder ``name`` for the store at ``location``.

    ``durable``: data that cannot be rebuilt (the history), kept under the user's data
    folder for a SPARQL server; otherwise under the user's cache folder.
    """
    if not is_remote(location):
        return os.path.join(location, name)
    key = hashlib.sha256(location.encode("utf-8")).hexdigest()[:16]
    base = _user_dir("XDG_DATA_HOME" if durable else "XDG_CACHE_HOME",
                     (".local", "share") if durable else (".cache",))
    folder = os.path.join(base, "claimkb", key)
    try:
        os.makedirs(folder, exist_ok=True)
        label = os.path.join(folder, "server.txt")
        if not os.path.exists(label):
            with open(label, "w", encoding="utf-8") as out:
                out.write(location + "\n")
    except OSError as err:
        raise StoreError(f"cannot keep kb's files for {location} in {folder}: {err.strerror}; "
                         "set XDG_DATA_HOME and XDG_CACHE_HOME to writable folders") from None
    path = os.path.join(folder, name)
    legacy = os.path.join(tempfile.gettempdir(), _LEGACY_HISTORY.format(key=key))
    if name == "history" and not os.path.exists(path) and os.path.isdir(legacy):
        shutil.move(legacy, path)
    return path


def _user_dir(variable: str, default: tuple[str, ...]) -> str:
    configured = os.environ.get(variable)
    if configured and os.path.isabs(configured):  # the XDG spec ignores relative paths
        return configured
    return os.path.join(os.path.expanduser("~"), *default)
