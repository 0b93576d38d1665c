"""Everything behind `render.py`: targets, presets, caching, lectures, figures."""
