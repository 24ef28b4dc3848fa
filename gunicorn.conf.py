"""Gunicorn reads this file from the working directory (the image's /app) on start."""

# Access log lines (when --access-logfile is given) never carry OAuth codes or tokens.
logger_class = "config.gunicorn_logging.RedactingLogger"
