# Perl: hashes, regexes, sprintf of floats, sort with a comparator, pack and
# unpack, closures, local $_, string repetition and a sub-process.
use strict;
use warnings;
my %n;
open(my $fh, '<', 'words.txt') or die "words.txt: $!";
while (<$fh>) { chomp; my @w = split / /; $n{$w[0]}++; }
close $fh;
print join(' ', map { "$_=$n{$_}" } sort { $n{$b} <=> $n{$a} || $a cmp $b } keys %n), "\n";
my $s = "Emulated ARM64 binaries run here";
(my $t = $s) =~ s/(\w+)/\u\L$1/g;
print "$t\n", scalar(() = $s =~ /[aeiou]/gi), " vowels\n";
printf "%.10f %e %g %d\n", atan2(1, 1) * 4, 1 / 3, 2 ** 0.5, 7 / 2;
my @p = unpack('N n C a4', pack('N n C a4', 0xdeadbeef, 513, 255, 'arm6'));
print "@p\n";
my @subs = map { my $k = $_; sub { $k * $_[0] } } 1 .. 5;
print join(',', map { $_->(10) } @subs), "\n";
my $sum = 0; $sum += $_ for 1 .. 100000; print "sum $sum\n";
print 'ab' x 3, "\n";
my $out = `echo from a child | tr a-z A-Z`; print $out;
printf "%s\n", join ':', (sort { $a <=> $b } (10, 9, 100, 1))[0 .. 2];
