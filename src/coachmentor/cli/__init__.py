"""The command line: the typer app and shared options (`app`, `common`), one module per command
(`advise`, `batch` for assess and template, `match`, the `rules` commands live in `app`), and
the interactive questionnaire. A thin layer: every decision is made by the library."""
