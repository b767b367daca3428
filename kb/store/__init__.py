"""Storage backends. :func:`open_backend` picks one from a location string:
a folder path (embedded Oxigraph) or an ``http(s)://`` SPARQL endpoint."""

from __future__ import annotations

from .base import Backend

__all__ = ["Backend", "open_backend", "is_remote"]


def is_remote(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def open_backend(location: str, *, read_only: bool = False) -> Backend:
    if is_remote(location):
        from .remote import RemoteBackend

        return RemoteBackend(location)
    from .embedded import EmbeddedBackend

    return EmbeddedBackend(location, read_only=read_only)
