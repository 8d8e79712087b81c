#!/usr/bin/env python3
"""Element-tree signatures of HTML documents, for ConsoleRenderSweepTests.swift.

Reads a JSON list of documents on stdin and writes a JSON list of as many
signatures on stdout. A signature is the tree html5lib builds (the HTML5
parsing algorithm browsers use, not a regex): each element's tag, its
attribute names and its children, comments included. Text and attribute
values are left out on purpose: an escaped value changes those, never the
elements. Exits 3 with a message when html5lib is missing (`make test`
installs it; `pip install html5lib` by hand)."""
import json
import multiprocessing
import signal
import sys

try:
    import html5lib
except ImportError:
    sys.stderr.write("html5lib is missing: `pip install html5lib` (make test installs it)\n")
    sys.exit(3)


def signature(document):
    root = html5lib.parse(document, treebuilder="etree", namespaceHTMLElements=False)
    out = []
    stack = [root]
    while stack:  # iterative: an injected value could nest elements deeper than Python's recursion limit
        node = stack.pop()
        if node is None:
            out.append(")")
            continue
        tag = node.tag if isinstance(node.tag, str) else "!" + getattr(node.tag, "__name__", "?")
        out.append(tag + "[" + ",".join(sorted(node.attrib)) + "](")
        stack.append(None)
        stack.extend(reversed(list(node)))
    return "".join(out)


def main():
    # Foundation's Process starts this with the spawning thread's signal mask,
    # SIGTERM blocked among others; a pool worker would then never stop.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    documents = json.load(sys.stdin)
    # The sweep sends thousands of pages; html5lib is pure Python, so use every core.
    pool = multiprocessing.Pool()
    signatures = pool.map(signature, documents, chunksize=32)
    pool.close()  # workers leave on their own once the queue is done: no terminate(), no signals
    pool.join()
    json.dump(signatures, sys.stdout)


if __name__ == "__main__":
    main()
