"""Querying: users' read-only, time-limited SPARQL (the sandbox), its syntax checks and result formats."""
