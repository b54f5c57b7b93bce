"""Maturity models: the in-memory model (``model``), the YAML reader and validator
(``validator``), and the index of the built-in model files (``index``).

Part of the pure domain package: no Flask, no database.
"""
