"""The contrast theme: black on white pages in large type, light-on-dark slides."""
