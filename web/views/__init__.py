"""The blueprints. Views parse requests and render; every query is in :mod:`kb.browse`."""
