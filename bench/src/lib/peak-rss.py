# Runs a command and reports the peak RSS of its process on stderr:
# `python3 peak-rss.py <command> <args…>` → a last line `PEAK_RSS_KB <n>`.
# A node process can read only its own peak (process.resourceUsage), and TypeScript 7 is a native
# binary; the kernel keeps the peak of every waited-for child (getrusage RUSAGE_CHILDREN).
import resource
import subprocess
import sys

code = subprocess.call(sys.argv[1:])
print(f"\nPEAK_RSS_KB {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", file=sys.stderr)
sys.exit(code)
