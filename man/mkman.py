#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the section 3 man pages (scdoc) from the doc comments of wintun.h.

The header is the one reference of the API; this turns each of its doc
comments into a page, so the two cannot drift apart. The format, which
include/wintun.h also describes at its top:

    /**
     * Name[, Name...] - one-line summary
     * @Param: what it is; continuation lines indented
     *
     * Description: paragraphs separated by blank lines. A paragraph whose
     * lines start "- " is a list; one indented by 4 or more is code.
     *
     * Returns: the return value.
     *
     * Errors:
     *   ERROR_X  what it means; continuation lines indented
     *   ERROR_Y  ...
     *
     * Example:
     *     code
     *
     * See also: OtherFunction(), lintun(7)
     */

The first name gets the page; every further name gets a one-line ".so"
page pointing to it. Each name must be declared in the header, as
`X_FUNC Name;` (the prototype is read from the typedef X_FUNC) or as a
`static inline` function. Every such declaration must be documented, and
every doc comment needs an Errors part ("Errors: none." for a function that
cannot fail) and, unless all its functions return void, a Returns part.
Anything missing is reported as file:line and the exit status is 1.

Usage: mkman.py HEADER OUTDIR   write OUTDIR/NAME.3.scd and OUTDIR/links
       mkman.py --check HEADER  only check the doc comments
       mkman.py --list HEADER   print the name of every page, links included
"""
import os
import re
import sys

SECTIONS = ("Returns", "Errors", "Example", "See also")
SECTION_RE = re.compile(r"^(%s):\s*(.*)$" % "|".join(SECTIONS))
PARAM_RE = re.compile(r"^@([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$")
ERROR_RE = re.compile(r"^(ERROR_[A-Z_]+(?:, ERROR_[A-Z_]+)*)(?:\s{2,}(.*))?$")
LINK_LINE = ("Link with *-llintun*, or build with "
             "*cc prog.c $(pkg-config --cflags --libs lintun)*.")


class DocError(Exception):
    pass


class Doc:
    def __init__(self, line):
        self.line = line          # line of "/**"
        self.names = []
        self.summary = ""
        self.params = []          # (name, [lines])
        self.parts = {"": []}     # section -> [lines], "" is the description


def read_docs(path, lines):
    docs = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "/**":
            i += 1
            continue
        doc = Doc(i + 1)
        body = []
        i += 1
        while i < len(lines) and lines[i].strip() != "*/":
            text = lines[i].rstrip()
            if text.strip() == "*":
                body.append("")
            elif text.startswith(" * "):
                body.append(text[3:])
            else:
                raise DocError("%s:%d: doc comment line does not start with ' * '"
                               % (path, i + 1))
            i += 1
        if i == len(lines):
            raise DocError("%s:%d: doc comment is not closed" % (path, doc.line))
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*(?:, [A-Za-z_][A-Za-z0-9_]*)*) - (.+)$",
                     body[0] if body else "")
        if not m:
            raise DocError("%s:%d: a doc comment starts \"Name - summary\""
                           % (path, doc.line + 1))
        doc.names = m.group(1).split(", ")
        doc.summary = m.group(2)
        section = ""
        param = None
        for text in body[1:]:
            s = SECTION_RE.match(text)
            p = PARAM_RE.match(text)
            if s:
                section, param = s.group(1), None
                if section in doc.parts:
                    raise DocError("%s:%d: two %s parts" % (path, doc.line, section))
                doc.parts[section] = [s.group(2)] if s.group(2) else []
            elif p and section == "":
                param = [p.group(2)]
                doc.params.append((p.group(1), param))
            elif param is not None and text.startswith(" "):
                param.append(text.strip())
            else:
                param = None
                doc.parts[section].append(text)
        docs.append(doc)
    return docs


def read_prototypes(lines):
    """Every function the header declares: name -> (prototype, line)."""
    text = "\n".join(lines)
    typedefs = {}
    for m in re.finditer(r"^typedef\s+([^;()]+?)\s*\(\s*(?:WINAPI\s+)?([A-Z0-9_]+_FUNC)\)\s*\((.*?)\);",
                         text, re.M | re.S):
        typedefs[m.group(2)] = (m.group(1), " ".join(m.group(3).split()))
    protos = {}
    for n, line in enumerate(lines):
        m = re.match(r"^([A-Z0-9_]+_FUNC) ([A-Za-z][A-Za-z0-9]*);$", line)
        if m and m.group(1) in typedefs:
            ret, args = typedefs[m.group(1)]
            sep = "" if ret.endswith("*") else " "
            protos[m.group(2)] = ("%s%s%s(%s);" % (ret, sep, m.group(2), args), n + 1)
        m = re.match(r"^static inline (.+?)\s*\b([A-Za-z][A-Za-z0-9]*)\(([^)]*)\)", line)
        if m:
            protos[m.group(2)] = ("static inline %s %s(%s);" % m.groups(), n + 1)
    return protos


def read_types(lines):
    """The header's own struct and callback typedefs: name -> their text."""
    types = {}
    n = 0
    while n < len(lines):
        line = lines[n]
        start = n
        if re.match(r"^typedef struct _(LINTUN|WINTUN)_", line) and line.rstrip().endswith("{"):
            while not lines[n].startswith("}"):
                n += 1
            name = re.match(r"^}\s*([A-Z_]+)", lines[n]).group(1)
            types[name] = "\n".join(lines[start:n + 1])
        elif line.startswith("typedef") and "CALLBACK" in line and "_FUNC" not in line:
            while not lines[n].rstrip().endswith(";"):
                n += 1
            name = re.search(r"\b([A-Z_]*CALLBACK)\)", lines[start])
            if name:
                types[name.group(1)] = "\n".join(lines[start:n + 1])
        n += 1
    return types


def check(path, docs, protos):
    problems = []
    documented = {}
    for doc in docs:
        for name in doc.names:
            if name not in protos:
                problems.append("%s:%d: %s is documented but not declared as a function"
                                % (path, doc.line, name))
            if name in documented:
                problems.append("%s:%d: %s is documented twice (also at line %d)"
                                % (path, doc.line, name, documented[name]))
            documented[name] = doc.line
        if not any(l.strip() for l in doc.parts.get("Errors", [])):
            problems.append("%s:%d: the doc comment of %s has no Errors part "
                            "(write \"Errors: none.\" if it cannot fail)"
                            % (path, doc.line, doc.names[0]))
        returns_void = all(n in protos and re.match(r"^(static inline )?(void|VOID) ",
                                                    protos[n][0]) for n in doc.names)
        if not returns_void and not any(l.strip() for l in doc.parts.get("Returns", [])):
            problems.append("%s:%d: the doc comment of %s has no Returns part"
                            % (path, doc.line, doc.names[0]))
    for name, (_, line) in sorted(protos.items(), key=lambda kv: kv[1][1]):
        if name not in documented:
            problems.append("%s:%d: %s has no doc comment (/** %s - ... */)"
                            % (path, line, name, name))
    if problems:
        raise DocError("\n".join(problems))


class Markup:
    """Plain header text to scdoc: names in bold, parameters underlined."""

    def __init__(self, pages, own, params):
        self.pages = pages
        self.own = set(own)
        self.params = set(params)

    TOKEN = re.compile(r"`(?P<cmd>[^`]+)`"
                       r"|(?P<fn>\b[A-Za-z_][A-Za-z0-9_]*)\((?P<sec>[0-9]?)\)"
                       r"|(?P<const>\b(?:[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]|INFINITE|POLLIN|EPOLLIN"
                       r"|NULL|TRUE|FALSE)\b)"
                       r"|(?P<word>\b[A-Za-z][A-Za-z0-9]*\b)")

    @staticmethod
    def escape(text):
        return re.sub(r"([\\*_])", r"\\\1", text)

    def __call__(self, text):
        out = []
        last = 0
        for m in self.TOKEN.finditer(text):
            out.append(self.escape(text[last:m.start()]))
            last = m.end()
            if m.group("cmd"):
                out.append("*%s*" % self.escape(m.group("cmd")))
            elif m.group("fn"):
                name, sec = m.group("fn"), m.group("sec")
                if not sec and name in self.pages and name not in self.own:
                    sec = "3"
                out.append("*%s*(%s)" % (self.escape(name), sec))
            elif m.group("const"):
                c = m.group("const")
                out.append(c if c in ("NULL", "TRUE", "FALSE") else "*%s*" % self.escape(c))
            elif m.group("word") in self.params:
                out.append("_%s_" % m.group("word"))
            else:
                out.append(m.group(0))
        out.append(self.escape(text[last:]))
        s = "".join(out)
        return "\\&" + s if s.startswith(".") or s.startswith("'") else s


def paragraphs(lines):
    """Blocks of lines between blank ones; a list that follows a line of
    text directly ("The codes:" then "  - ...") is a block of its own."""
    block = []
    for line in lines + [""]:
        if line.strip():
            if block and line.lstrip().startswith("- ") \
                    and not block[0].lstrip().startswith("- "):
                yield block
                block = []
            block.append(line)
        elif block:
            yield block
            block = []


def dedent(block):
    indent = min(len(l) - len(l.lstrip()) for l in block if l.strip())
    return [l[indent:] for l in block]


def render_text(lines, mark, first=None):
    out = []
    for n, block in enumerate(paragraphs(lines)):
        if first and n == 0 and not block[0].startswith(" "):
            block = [first(" ".join(l.strip() for l in block))]
        indent = min(len(l) - len(l.lstrip()) for l in block)
        if indent >= 4:
            out += ["```"] + code(block) + ["```", ""]
        elif block[0].lstrip().startswith("- "):
            items = []
            for l in block:
                if l.lstrip().startswith("- ") and len(l) - len(l.lstrip()) == indent:
                    items.append([l.lstrip()[2:]])
                else:
                    items[-1].append(l.strip())
            out += ["- " + mark(" ".join(item)) for item in items] + [""]
        else:
            out += [mark(" ".join(l.strip() for l in block)), ""]
    return out


def render_errors(lines, mark, codes):
    out = []
    entry = None
    text = []
    for line in lines + [""]:
        m = ERROR_RE.match(line.strip())
        if m and line.startswith(" "):
            entry = [m.group(1), [m.group(2) or ""]]
            if text:
                out += render_text(text, mark, first=sentence)
                text = []
            label = ", ".join("*%s* (%s)" % (Markup.escape(c), codes.get(c, "?"))
                              for c in m.group(1).split(", "))
            out += [label, entry, ""]
        elif entry is not None and line.startswith("   ") and line.strip():
            entry[1].append(line.strip())
        else:
            entry = None
            text.append(line)
    out += render_text(text, mark, first=None if entry or len(out) else sentence)
    return [("\t" + mark(sentence(" ".join(x[1])))) if isinstance(x, list) else x for x in out]


def see_also(lines, pages):
    refs = []
    for ref in " ".join(lines).replace(";", ",").split(","):
        ref = ref.strip().rstrip(".")
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_.-]*)\(([0-9]?)\)$", ref)
        if not m:
            if ref:
                refs.append(Markup.escape(ref))
            continue
        sec = m.group(2) or "3"
        refs.append("*%s*(%s)" % (Markup.escape(m.group(1)), sec))
    return ", ".join(refs)


def wrap_prototype(proto, width=72):
    """One parameter a line, aligned after the parenthesis, when too long."""
    if len(proto) <= width:
        return [proto]
    head, args = proto.split("(", 1)
    args = args[:-2].split(", ")
    lines = [head + "(" + args[0]]
    for arg in args[1:]:
        if len(lines[-1]) + 2 + len(arg) + 2 <= width:
            lines[-1] += ", " + arg
        else:
            lines[-1] += ","
            lines.append(" " * (len(head) + 1) + arg)
    lines[-1] += ");"
    return lines


def sentence(text):
    """A part of the header written as a phrase, as a sentence."""
    text = text.strip()
    # Not a name: "poll(2) failed", "io_uring is", "errno" keep their case.
    if re.match(r"^[a-z]+\b(?![(_])", text) and text.split()[0] != "errno":
        text = text[0].upper() + text[1:]
    if text and text[-1] not in ".:;!?)":
        text += "."
    elif text.endswith(")") and not text.endswith(".)"):
        text += "."
    return text


def code(block):
    return [l.replace("\\", "\\\\") for l in dedent(block)]


def page(doc, protos, types, pages, codes, version):
    params = [p for p, _ in doc.params]
    for name in doc.names:
        params += re.findall(r"\b([A-Z][A-Za-z0-9]*)(?=[,)])", protos[name][0])
    mark = Markup(pages, doc.names, params)
    used = []
    for name in doc.names:
        for t in re.findall(r"\b([A-Z_]+)\b", protos[name][0]):
            if t in types and t not in used:
                used.append(t)
    out = ['%s(3) "lintun %s" "lintun manual"' % (doc.names[0], version),
           "; Generated from include/wintun.h by man/mkman.py: edit the header.", "",
           "# NAME", "", "%s - %s" % (", ".join(doc.names), Markup.escape(doc.summary)), "",
           "# SYNOPSIS", "", "```", "#include <wintun.h>", ""]
    for t in used:
        out += [types[t], ""]
    for n in doc.names:
        out += wrap_prototype(protos[n][0])
    out += ["```", "", LINK_LINE, "", "# DESCRIPTION", ""]
    for name, text in doc.params:
        out += ["_%s_" % name, "\t" + mark(sentence(" ".join(text))), ""]
    out += render_text(doc.parts[""], mark)
    out += ["# RETURN VALUE", ""]
    out += render_text(doc.parts.get("Returns") or ["None."], mark, first=sentence)
    out += ["# ERRORS", ""] + render_errors(doc.parts["Errors"], mark, codes)
    while out[-1] == "":
        out.pop()
    out.append("")
    if doc.parts.get("Example"):
        out += ["# EXAMPLE", "", "```"] + code(doc.parts["Example"])
        while out[-1] == "":
            out.pop()
        out += ["```", ""]
    if doc.parts.get("See also"):
        out += ["# SEE ALSO", "", see_also(doc.parts["See also"], pages), ""]
    while out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: " + __doc__.split("Usage: ")[1])
        return 2
    mode = argv[1] if argv[1] in ("--check", "--list") else None
    path = argv[2] if mode else argv[1]
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    try:
        docs = read_docs(path, lines)
        protos = read_prototypes(lines)
        check(path, docs, protos)
    except DocError as e:
        sys.stderr.write("%s\n" % e)
        return 1
    if mode == "--check":
        return 0
    if mode == "--list":
        print("\n".join("%s.3" % n for doc in docs for n in doc.names))
        return 0
    text = "\n".join(lines)
    version = ".".join(re.search(r"^#define LINTUN_VERSION_%s (\d+)$" % p, text, re.M).group(1)
                       for p in ("MAJOR", "MINOR", "PATCH"))
    codes = dict(re.findall(r"^#define (ERROR_[A-Z_]+) (\d+)$", text, re.M))
    types = read_types(lines)
    pages = {n: doc.names[0] for doc in docs for n in doc.names}
    outdir = argv[2]
    os.makedirs(outdir, exist_ok=True)
    for old in os.listdir(outdir):
        if old.endswith(".3.scd") or old == "links":
            os.remove(os.path.join(outdir, old))
    links = ["# LINK TARGET: the functions documented on another function's page"]
    for doc in docs:
        with open(os.path.join(outdir, doc.names[0] + ".3.scd"), "w", encoding="utf-8") as f:
            f.write(page(doc, protos, types, pages, codes, version))
        links += ["%s.3 %s.3" % (n, doc.names[0]) for n in doc.names[1:]]
    with open(os.path.join(outdir, "links"), "w", encoding="utf-8") as f:
        f.write("\n".join(links) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
