"""Reusable view pieces: each takes plain data and a language and returns Dash components."""
