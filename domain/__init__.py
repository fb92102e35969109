"""Domain layer: source tables, validation, the risk index and the queries pages use.

Nothing in this package imports Dash or Flask, so the command-line build, the tests and the
web app share exactly the same functions.
"""
