#!/usr/bin/env python3
"""Evicts files' pages from the OS page cache (posix_fadvise DONTNEED), for cold timings where
`echo 3 > /proc/sys/vm/drop_caches` is not permitted. Usage: evict-cache.py FILE..."""
import os
import sys

for path in sys.argv[1:]:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
