"""The warm server: the ``export-post`` command run in a process that has already imported
everything, as Gradle's daemon and dmypy do.

Starting Python and importing WeasyPrint, python-pptx, ebooklib and export-post takes
0.3–0.7 s, more than the export of a small post. So after a run, the command leaves a server
behind (:mod:`.server`) that imports all of it once and then waits on a Unix socket; the
next run of the same interpreter and environment hands its arguments, standard streams,
working folder and environment to it (:mod:`.client`), and the server forks a copy of
itself that runs the command exactly as the process would have (:mod:`.request`). Every
run starts from the same pristine, imported state; nothing one run does reaches the next.

Only the standard library is imported by the client side (:mod:`.place`, :mod:`.wire`,
:mod:`.client`): it runs before anything else is loaded.
"""
