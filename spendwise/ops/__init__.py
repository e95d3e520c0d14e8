"""Running SpendWise in production: the container entrypoint and gunicorn's configuration."""
