# Renders Markdown as GitHub Pages does for an academicpages site (see tests/kramdown_oracle.py).
# Each line on standard input is a JSON list of [liquid, markdown] pairs; the answer, one line
# on standard output, is the JSON list of their HTML (a Liquid error as {"liquid": message}).
require "json"
require "kramdown"
require "kramdown-parser-gfm"
require "liquid"

# academicpages' _config.yml, "Markdown Processing"
OPTIONS = { input: "GFM", hard_wrap: false, auto_ids: true, footnote_nr: 1,
            entity_output: :as_char, toc_levels: 1..6,
            smart_quotes: %w[lsquo rsquo ldquo rdquo], enable_coderay: false }.freeze

def render(liquid, markdown)
  markdown = Liquid::Template.parse(markdown, error_mode: :strict).render!({}) if liquid
  Kramdown::Document.new(markdown, OPTIONS).to_html
rescue Liquid::Error => e
  { liquid: e.message }
end

$stdout.sync = true
while (line = $stdin.gets)
  puts JSON.generate(JSON.parse(line).map { |liquid, markdown| render(liquid, markdown) })
end
