"""Many posts as one book (issue #16): ``book.yml`` (:mod:`.config`), choosing and ordering
the posts and making each a chapter (:mod:`.assemble`, :mod:`.chapters`), and
:func:`export_book` (:mod:`.export`), which hands the :class:`~export_post.model.book.Book`
to each format's ``export_book``."""

from .config import BOOK_FILE, BookConfig, PartConfig, parse_book_config, read_book_config
from .export import export_book

__all__ = ["BOOK_FILE", "BookConfig", "PartConfig", "export_book", "parse_book_config", "read_book_config"]
