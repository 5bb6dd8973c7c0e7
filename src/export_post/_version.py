"""The version of export-post, in a module of its own so that the package facade and what
records the version (the build cache) both import it without importing each other."""

__version__ = "0.1.0"
