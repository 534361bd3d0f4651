"""Lotsen's command line, `python -m cli COMMAND …`, for whoever runs the service.

One module per command group, each describing its commands as `cli.command.Command` rows; cli/main.py holds
the one table of them and dispatches. Like app.py this is a composition root: it may import bot/ and every
layer below it, and nothing of ours imports it but app.py.
"""
