"""Build a static data-story site from a data package, Markdown and Jinja templates."""

__version__ = "0.1.0"
