"""The serif theme: book-like type for long reads, warm palette."""
