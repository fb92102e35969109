"""Glue between the pure domain layer and the web app: configuration, cache, Flask routes."""
