"""Celery entry point for the exports when CELERY_BROKER_URL is set.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/2 celery -A services.celery_worker:celery_app worker

Importing the Dash app registers its pages and their background callbacks as Celery tasks.
"""
import app as dash_app_module

celery_app = dash_app_module.app._background_manager.handle  # noqa: SLF001 - the CeleryManager's Celery app
