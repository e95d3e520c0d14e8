"""Database connection settings from the environment, and RDS credentials from Secrets Manager.

``config`` turns ``DATABASE_URL`` or ``DB_HOST``/``DB_NAME``/… into ``DATABASES["default"]``;
``credentials`` reads the RDS-managed secret (shared with the PostConfirmation Lambda, so it
imports no Django); ``backends.postgresql`` reads that secret at connect time.
"""
