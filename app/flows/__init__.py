"""The pure conversation engine, the service catalog and intent classification.

Nothing in this package performs I/O beyond reading its own data files: no web framework, no
database, no HTTP. The caller (app.conversations) loads a snapshot, calls `Engine.handle` and
carries out the events it gets back.
"""
