"""The exporter toolkit: what several exporters share to draw a document.

``xhtml`` writes the document as XHTML (EPUB, PDF, HTML); ``highlight`` colours code with
Pygments; ``texmath`` turns TeX into MathML, pictures and linear text, each MathML tree
checked by ``mathml_check``; ``color`` reads theme colours; ``fontconfig`` finds the font
files that will draw a text; ``labels`` holds the words the outputs add, per language;
``archive`` writes zip files (EPUB, PPTX) that depend only on their content.
"""
