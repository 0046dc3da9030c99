"""One module per `digest` command: its arguments, its handler, and how it ends when it fails."""
