# A Python 2 file: it does not parse as Python 3, so the scanner reports it and moves on.
import md5
print "digest", md5.new("x").hexdigest()
