"""The default theme: a clean sans-serif with a teal accent."""
