"""``POST /api/cli/<command>``: the server side of kb.service.

While `kb serve` holds the store, `kb ingest`, `kb remove` and `kb restore` send
their parsed arguments and input files here. The server runs the very command
function the CLI would run locally (kb.cli.run), on its own open knowledge base,
and answers with the command's stdout, stderr and exit code.
"""

from __future__ import annotations

import argparse
import hmac
import json
import os
import sys
import tempfile
import threading
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request

from kb import service
from kb.cli import build_parser, run

from ..app import get_kb
from ..security import bearer_token, writes_enabled

bp = Blueprint("api", __name__)

# One writing command at a time, as RocksDB and the local CLI allow.
_WRITING = threading.Lock()


def _command_defaults(command: str) -> dict[str, Any]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    if command not in sub.choices:
        abort(404, f"this server has no `kb {command}` command")
    defaults = sub.choices[command]
    return {a.dest: a.default for a in defaults._actions if a.dest != "help"} | dict(defaults._defaults)  # noqa: SLF001


@bp.post("/api/cli/<command>")
def cli(command: str) -> Response:
    if command not in service.ROUTED:
        abort(404, f"`kb {command}` is not run through the server")
    if not writes_enabled():
        abort(403, "this server is read-only (started with --read-only); stop it to write to the store")
    secret = current_app.config.get("KB_SERVICE_SECRET") or ""
    sent = bearer_token() or ""
    # The store's secret only (not the web write token): whoever can read it owns the store folder
    # and could run the command locally anyway (--cluster, --metadata FILE...). No browser session.
    if not secret or not hmac.compare_digest(sent.encode("utf-8"), secret.encode("utf-8")):
        abort(401, "send the store's secret (server.secret) as an 'Authorization: Bearer' header")
    # The store's owner ingesting through the server: no upload limit, as for a local run.
    request.max_content_length = sys.maxsize  # (None would mean: the app's MAX_CONTENT_LENGTH)
    try:
        given = service.decode_args(json.loads(request.form.get("args", "{}")))
        kinds = json.loads(request.form.get("inputs", "{}"))
    except (ValueError, TypeError, AttributeError):
        abort(400, "'args' and 'inputs' must be JSON objects")
    if not isinstance(given, dict) or not isinstance(kinds, dict):
        abort(400, "'args' and 'inputs' must be JSON objects")
    values = _command_defaults(command)
    unknown = set(given) - set(values)
    if unknown:
        abort(400, f"unknown arguments for `kb {command}`: {', '.join(sorted(unknown))}")
    values.update(given)
    routing = service.ROUTED[command]
    knowledge = get_kb()
    with tempfile.TemporaryDirectory(prefix="kb-cli-") as tmp, _WRITING:
        originals: dict[str, str] = {}  # server path -> what the user typed, for identical messages
        for arg in routing.inputs:
            values[arg] = _inputs(values.get(arg), arg, kinds, tmp, originals)
        outputs: dict[str, str] = {}
        for arg in routing.outputs:
            if values.get(arg):
                outputs[arg] = os.path.join(tmp, "out", arg)
                os.makedirs(os.path.dirname(outputs[arg]), exist_ok=True)
                originals[outputs[arg]] = str(values[arg])
                values[arg] = outputs[arg]
        args = argparse.Namespace(**values, command=command, store=knowledge.location, served_kb=knowledge)
        if request.form.get("agent") and not getattr(args, "agent", None):
            args.agent = request.form["agent"][:200]  # who asked, for provenance (kb.cli.commands.agent_of)
        with service.captured() as (out, err):
            code = run(args)  # the write pipeline keeps the browse index in step itself
        written = {arg: open(path, encoding="utf-8").read() for arg, path in outputs.items() if os.path.exists(path)}
    stdout, stderr = out.getvalue(), err.getvalue()
    for path, typed in sorted(originals.items(), key=lambda kv: -len(kv[0])):
        stdout, stderr = stdout.replace(path, typed), stderr.replace(path, typed)
    return jsonify({"exit": code, "stdout": stdout, "stderr": stderr, "outputs": written})


def _inputs(value: Any, arg: str, kinds: dict[str, str], tmp: str, originals: dict[str, str]) -> Any:
    """Save the uploaded files of one argument; return the argument with their server paths."""
    if value is None:
        return None
    typed = value if isinstance(value, list) else [value]
    paths = []
    for i, name in enumerate(typed):
        key = f"{arg}.{i}"
        folder = os.path.join(tmp, key)
        os.makedirs(folder)
        base = os.path.basename(str(name)) or "input"
        path = os.path.join(folder, base)
        kind = kinds.get(key)
        if kind == "dir":
            os.makedirs(path)
        elif kind == "file":
            upload = request.files.get(key)
            if upload is None:
                abort(400, f"the file for {key} was not uploaded")
            upload.save(path)
        originals[path] = str(name)
        paths.append(path)
    return paths if isinstance(value, list) else paths[0]
