"""One module per kind of slide, each a pure function of the planning :class:`.context.Context`.

:mod:`.title` (title and closing), :mod:`.section` (divider), :mod:`.text` (content,
statement and agenda slides, text fitted into chunks), :mod:`.code`, :mod:`.table`,
:mod:`.picture`, :mod:`.photo`, :mod:`.side_by_side`, :mod:`.equation`, :mod:`.quote`;
:mod:`.boxes` sets the text boxes several of them share (titles, bylines, captions) and
:mod:`.body` turns a section's blocks into bullets and the slides of their own.
"""
