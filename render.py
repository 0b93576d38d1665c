#!/usr/bin/env python3
"""Render attention explainers: `python render.py --help`."""

import sys

from rendering.cli import main

if __name__ == "__main__":
    sys.exit(main())
