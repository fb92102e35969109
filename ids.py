"""Component ids used across the shell and pages, kept in one place."""

URL = "url"
REDIRECT = "redirect"
LANG_STORE = "lang-store"
HEADER = "shell-header"
FOOTER = "shell-footer"
NOTICE = "shell-notice"
HTML_LANG = "html-lang-dummy"

# Overview
OVERVIEW_MAP = "overview-map"
OVERVIEW_RANKING = "overview-ranking"
OVERVIEW_CARDS = "overview-cards"

# Data
DATA_CATALOGUE = "data-catalogue"
DATA_SOURCES = "data-sources"
DATA_STATUS = "data-status"
