"""Background work on huey: SQLite storage embedded by default, Redis when configured."""
