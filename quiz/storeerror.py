"""The error a learner's database can cause, apart from the store so `rabbit --help` need not
import sqlite3 to catch it."""


class StoreError(Exception):
    """The database cannot be used; the message names the file and what to do."""
