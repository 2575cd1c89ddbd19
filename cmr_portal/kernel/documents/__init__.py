"""Private uploads: the type read from the content, a size limit, random names, no public URL."""
