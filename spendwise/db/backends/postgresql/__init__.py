"""PostgreSQL with credentials read from Secrets Manager at connect time (see ``base``)."""
