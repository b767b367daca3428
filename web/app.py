"""The app factory: settings, the knowledge base, blueprints, security."""

from __future__ import annotations

import atexit
import logging
from typing import Any, Mapping

from flask import Flask, current_app

import kb
from kb.browse import refresh_index

from . import filters, security, urls
from .config import load_config


def build_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(load_config(test_config))
    app.json.sort_keys = False  # type: ignore[attr-defined]
    logging.getLogger("kb.web").setLevel(logging.INFO)

    knowledge = app.config.get("KB")
    if knowledge is None:
        # The web process owns the store (RocksDB allows one writer): pages query it in-process.
        knowledge = kb.KnowledgeBase(
            app.config["KB_STORE"],
            query_timeout=app.config["KB_QUERY_TIMEOUT"],
            max_rows=app.config["KB_MAX_ROWS"],
            query_workers=app.config["KB_QUERY_WORKERS"],
        )
        atexit.register(knowledge.close)
    app.extensions["kb"] = knowledge
    refresh_index(knowledge)
    # Warm what the home page needs (counts, top speakers, chart) before serving: at 100k claims
    # it takes seconds once per store version. The unfiltered facets of the claims page (the
    # in-memory facet columns, ~0.9 s at 100k) are warmed beside the server, not before it:
    # start-up to the first page stays within 2 s, and a claims page asked for meanwhile
    # computes them itself.
    from kb.browse import home
    from kb.browse.store import warm

    home(knowledge)
    warm(knowledge, facets=True)

    security.register(app)
    urls.register(app)
    filters.register(app)

    from . import graph_store
    from .views import auth, check, claims, export, ingest, pages, resources, reviews, sparql, validation

    blueprints = (pages.bp, claims.bp, resources.bp, sparql.bp, export.bp, ingest.bp, validation.bp, auth.bp,
                  graph_store.bp, reviews.bp, check.bp)
    for bp in blueprints:
        app.register_blueprint(bp)
    from .views import api  # kb ingest/remove/restore routed to a running server (kb.service)

    app.register_blueprint(api.bp)
    from .views import relations  # a claim's .json page and its relation form (kb.tracking)

    app.register_blueprint(relations.bp)
    from .views import entities_curation  # a person's/organization's .json page and its curation forms

    app.register_blueprint(entities_curation.bp)
    from .views import reconcile  # the W3C Entity Reconciliation API, for OpenRefine (kb.tracking.reconcile)

    app.register_blueprint(reconcile.bp)
    return app


def get_kb() -> Any:
    return current_app.extensions["kb"]
