# RubyGems reference: Gem::Version from the Ruby standard library.
require "rubygems"

$stdout.sync = false
STDIN.each_line do |line|
  f = line.chomp("\n").split("\t", -1)
  if f.length == 1
    # Gem::Version.new also accepts surrounding spaces and an empty string (as "0"); we do not.
    ok = Gem::Version.correct?(f[0]) && f[0] == f[0].strip && !f[0].empty?
    puts "#{f[0]}\t#{ok ? 'valid' : 'invalid'}"
  else
    puts "#{f[0]}\t#{f[1]}\t#{Gem::Version.new(f[0]) <=> Gem::Version.new(f[1])}"
  end
end
