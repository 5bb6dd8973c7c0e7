"""export-post: a Markdown (Jekyll) post to EPUB, PDF, slides and HTML."""

from .reader import load_post

__all__ = ["load_post"]
__version__ = "0.1.0"
