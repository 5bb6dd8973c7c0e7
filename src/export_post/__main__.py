from .launcher import command

raise SystemExit(command())
