"""The shared kernel: what every process agrees on, importing nothing else of the project."""
