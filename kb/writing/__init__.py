"""Writing: the one pipeline every way into kb goes through.

- :mod:`.changes`    -- what a write is made of (changes, inputs, results)
- :mod:`.inputs`     -- files and bytes recognized and turned into changes; batches that report each file
- :mod:`.entities`   -- entities described once: contributions and the canonical view
- :mod:`.context`    -- the stored context a write is validated with
- :mod:`.history`    -- archived versions instead of deletion
- :mod:`.provenance` -- PROV-O records of every write
- :mod:`.pipeline`   -- :func:`commit`: normalize, derive, validate, archive, write, notify
"""
