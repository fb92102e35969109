"""Presentation: the files people take away (PowerPoint, the PDF brief, chart pictures) and the
download buttons that ask for them. Between pages and (components, services): pages and the app
import it; components, services and domain never do.
"""
