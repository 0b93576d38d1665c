# Two commands do everything:  `make render`  and  `make test`.
# Each first makes sure the machine is set up (apt packages, .venv, CPU torch,
# the project in editable mode); when all of that is present it takes seconds.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# What Manim needs from the system. TeX: the smallest set that renders
# Manim's default MathTex template (about 105 MB with --no-install-recommends).
APT_PACKAGES := libcairo2-dev libpango1.0-dev pkg-config ffmpeg fonts-dejavu-core
APT_TEX      := texlive-latex-base texlive-latex-extra dvisvgm
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# torch first, pinned to the CPU build, so nothing later pulls a CUDA build.
TORCH := torch==2.13.0

.PHONY: setup system render test lint figures train clean

setup: system $(STAMP)

system:
	@missing=""; for p in $(APT_PACKAGES) $(APT_TEX); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check $(TORCH)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

render: setup
	$(PY) render.py lecture

test: setup
	$(PY) -m pytest -q

lint: setup
	$(PY) -m ruff check .

figures: setup
	$(PY) render.py figures

# Regenerate the shipped weights in assets/ (seeded; writes identical bytes).
train: setup
	$(PY) -m attention_core.train

clean:
	rm -rf build media
