# frozen_string_literal: true

# Test docs_ruby_snippets: every ```ruby block of docs/ruby.md is quoted from a file that runs
# (a test or the install test's consumer), named by the comment right above the block:
#
#   <!-- snippet: tests/install/ruby/consumer.rb -->
#
# The block must appear in that file as consecutive lines, indented there by any common amount
# (a quote from inside a method or block loses its indentation). So the guide cannot drift from
# code that the test suite runs.
#
# Usage: ruby check_doc_snippets.rb SOURCE_DIR DOC
source_dir, doc = ARGV
abort "usage: check_doc_snippets.rb SOURCE_DIR DOC" unless source_dir && doc

# Whether `snippet` (lines) appears in `lines` at some line, indented by the same amount throughout.
def quoted?(snippet, lines)
  first = snippet.index { |l| !l.strip.empty? } or return false
  lines.each_index.any? do |start|
    indent = lines[start + first].to_s[/\A */].size - snippet[first][/\A */].size
    next false if indent.negative?

    snippet.each_with_index.all? do |line, i|
      have = lines[start + i] or break false
      line.strip.empty? ? have.strip.empty? : have == (" " * indent) + line
    end
  end
end

failures = []
blocks = 0
doc_lines = File.readlines(doc, chomp: true)
doc_lines.each_with_index do |line, n|
  next unless line == "```ruby"

  blocks += 1
  source = doc_lines[n - 1][/\A<!-- snippet: (\S+) -->\z/, 1] if n.positive?
  finish = doc_lines.each_index.find { |i| i > n && doc_lines[i] == "```" }
  snippet = doc_lines[(n + 1)...finish]
  if source.nil?
    failures << "#{doc}:#{n + 1}: a ```ruby block without <!-- snippet: FILE --> right above it"
  elsif !File.file?(path = File.join(source_dir, source))
    failures << "#{doc}:#{n + 1}: #{source} does not exist"
  elsif !quoted?(snippet, File.readlines(path, chomp: true))
    failures << "#{doc}:#{n + 1}: the block is not quoted verbatim from #{source}"
  end
end
failures << "#{doc}: no ```ruby block" if blocks.zero?
abort failures.join("\n") unless failures.empty?
puts "#{doc}: #{blocks} Ruby snippets, each quoted from the file it names"
