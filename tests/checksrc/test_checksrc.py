#!/usr/bin/env python3
"""tools/checksrc: the source tree keeps the house rules, and the checker
flags what breaks them.

The first case runs tools/checksrc on the source tree: it must say
nothing and exit 0. Each further case writes a small tree of bad (and
some allowed) snippets into a temporary directory and runs the checker
on it with --root: it must exit 1 and print exactly the expected lines,
so a rule that stops flagging fails here. Prints TAP.

Environment (set by `make check`): abs_top_srcdir.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("abs_top_srcdir") or os.path.dirname(
    os.path.dirname(HERE))
CHECKSRC = os.path.join(TOP, "tools", "checksrc")

MESSAGES = """<?xml version="1.0" encoding="UTF-8"?>
<messages>
  <msg key="site.name"><text xml:lang="de">Stadt</text><text xml:lang="en">Town</text></msg>
  <msg key="status.received"><text xml:lang="de">Eingegangen</text><text xml:lang="en">Received</text></msg>
  <msg key="only.german"><text xml:lang="de">Nur Deutsch</text></msg>
  <msg key="english.first"><text xml:lang="en">First</text><text xml:lang="de">Erst</text></msg>
  <msg key="site.name"><text xml:lang="de">Doppelt</text><text xml:lang="en">Twice</text></msg>
  <msg key="empty"><text xml:lang="de"></text><text xml:lang="en">Empty</text></msg>
</messages>
"""

LAYOUT = """<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template name="msg">
    <xsl:param name="key"/>
  </xsl:template>
  <xsl:template match="page">
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'site.name'"/></xsl:call-template>
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'no.such.key'"/></xsl:call-template>
    <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('status.', @status)"/></xsl:call-template>
    <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('unknown.', @x)"/></xsl:call-template>
    <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('mail.', @kind, '.subject')"/></xsl:call-template>
    <xsl:call-template name="msg"><xsl:with-param name="key" select="$k"/></xsl:call-template>
    <xsl:call-template name="msg">
      <xsl:with-param name="key">
        <xsl:choose>
          <xsl:when test="@a">site.name</xsl:when>
          <xsl:otherwise>chosen.missing</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
"""

CASES = [
    ("banned functions, not in comments or strings", {
        "src/page_x.c": """\
/* sprintf(buf, "x") in a comment is fine, so is "strcpy(" in a string */
static void
f(char *buf, const char *s)
{
	sprintf(buf, "%s", s);
	strcpy(buf, s);
	strcat(buf, s);
	(void)atoi(s);
	p->atoi(s);
	snprintf(buf, 8, "%s", s);
}
""",
    }, [
        "src/page_x.c:5: banned function sprintf(): use snprintf or the "
        "buf_ module",
        "src/page_x.c:6: banned function strcpy(): use snprintf or memcpy "
        "with a known length",
        "src/page_x.c:7: banned function strcat(): use the buf_ module",
        "src/page_x.c:8: banned function atoi(): use text_to_long",
    ]),
    ("numbers only through text_to_long", {
        "src/text.c": "long f(const char *s) { return strtol(s, 0, 10); }\n",
        "src/fee.c": "long g(const char *s) { return strtol(s, 0, 10); }\n",
    }, [
        "src/fee.c:1: strtol() outside src/text.c: parse numbers with "
        "text_to_long",
    ]),
    ("SQL only in src/store*.c", {
        "src/store_x.c": """\
#include <sqlite3.h>
static const char *q = "SELECT id FROM submission WHERE ref = ?1";
""",
        "src/page_x.c": """\
#include <sqlite3.h>
static const char *q = "SELECT id"
    " FROM submission WHERE ref = ?1";
static const char *d = "DELETE";
int f(sqlite3 *db) { return sqlite3_exec(db, "x", 0, 0, 0); }
static const char *u = "x UPDATE submission SET status = 'done'";
""",
    }, [
        "src/page_x.c:1: SQLite (sqlite3.h) outside src/store*.c",
        "src/page_x.c:2: SQL in a string literal outside src/store*.c: "
        "\"SELECT id FROM submission WHERE ref = ?1\"",
        "src/page_x.c:5: SQLite (sqlite3) outside src/store*.c",
        "src/page_x.c:5: SQLite (sqlite3_exec) outside src/store*.c",
        "src/page_x.c:6: SQL in a string literal outside src/store*.c: "
        "\"x UPDATE submission SET status = 'done'\"",
    ]),
    ("every sqlite3_bind_ result checked", {
        "src/store_x.c": """\
int f(sqlite3_stmt *st, long id) {
	sqlite3_bind_int64(st, 1, id);
	(void)sqlite3_bind_text(st, 2, "a", -1, SQLITE_STATIC);
	if (sqlite3_bind_int64(st, 3, id) != SQLITE_OK)
		return -1;
	return sqlite3_bind_parameter_count(st) > 0 &&
	    sqlite3_bind_null(st, 4) == SQLITE_OK;
}
""",
    }, [
        "src/store_x.c:2: the result of sqlite3_bind_int64() is not checked",
        "src/store_x.c:3: the result of sqlite3_bind_text() is not checked",
    ]),
    ("libxslt only in src/render.c", {
        "src/render.c": "#include <libxslt/transform.h>\n"
                        "void f(void) { xsltCleanupGlobals(); }\n",
        "src/app.c": "#include <libxslt/xsltutils.h>\n"
                     "#include <libexslt/exslt.h>\n"
                     "void f(void) { xsltCleanupGlobals(); }\n",
    }, [
        "src/app.c:1: libxslt (libxslt/xsltutils.h) outside src/render.c",
        "src/app.c:2: libxslt (libexslt/exslt.h) outside src/render.c",
        "src/app.c:3: libxslt (xsltCleanupGlobals) outside src/render.c",
    ]),
    ("the environment only in the request layer and the mains", {
        "src/req.c": "const char *f(void) { return getenv(\"PATH_INFO\"); }\n",
        "cgi-bin/rathaus.c": "const char *e(const char *n) "
                             "{ return getenv(n); }\n",
        "tools/rathaus.c": "const char *c(void) "
                           "{ return getenv(\"RATHAUS_CONF\"); }\n",
        "src/page_x.c": """\
extern char **environ;
const char *f(void) { return getenv("HOME"); }
const char *g(req_getenv_fn env) { return env("QUERY_STRING"); }
const char *h(req_getenv_fn env) { return env("HTTP_ORIGIN"); }
""",
    }, [
        "src/page_x.c:1: environ outside the request layer (src/req.c) "
        "and the program mains",
        "src/page_x.c:2: getenv outside the request layer (src/req.c) and "
        "the program mains",
        "src/page_x.c:3: CGI variable QUERY_STRING outside the request "
        "layer (src/req.c)",
        "src/page_x.c:4: CGI variable HTTP_ORIGIN outside the request "
        "layer (src/req.c)",
    ]),
    ("no HTML in C; our own element names may be named", {
        "forms/form.rng": '<grammar><element name="fee"/>'
                          '<element name="title"/><element name="p"/>'
                          '</grammar>\n',
        "src/form.c": """\
static const char *a = "a form service needs a <fee>";
static const char *b = "two <title>s in one language";
static const char *c = "<p>Hallo</p>";
static const char *d = "<a href=\\"/x\\">x</a>";
static const char *e = "</div>";
static const char *f = "a&nbsp;b";
static const char *g = "<option value=\\"x\\">";
static const char *h = "a <= b, x<y";
static const char *i = "a <!DOCTYPE> is not allowed: no DTD";
static const char *j = "<!DOCTYPE html>";
""",
        "src/page_x.c": "void f(xmlNodePtr p) "
                        "{ app_elem(p, \"output\", NULL, NULL); }\n"
                        "static const char *o = \"an <output>\";\n",
    }, [
        "src/form.c:3: HTML in C (<p>): markup belongs in xsl/",
        "src/form.c:4: HTML in C (<a>): markup belongs in xsl/",
        "src/form.c:5: HTML in C (<div>): markup belongs in xsl/",
        "src/form.c:6: a character reference (&nbsp;) in C: markup belongs "
        "in xsl/",
        "src/form.c:7: HTML in C (<option>): markup belongs in xsl/",
        "src/form.c:10: HTML in C (<!DOCTYPE>): markup belongs in xsl/",
    ]),
    ("message keys: both languages, literal keys, families", {
        "data/messages.xml": MESSAGES,
        "xsl/layout.xsl": LAYOUT,
        "src/workflow.c": """\
const char *const workflow_states[2] = { "received", "in_progress" };
""",
    }, [
        "data/messages.xml:5: message only.german has no English text",
        "data/messages.xml:6: message english.first: German first",
        "data/messages.xml:7: message site.name twice (first on line 3)",
        "data/messages.xml:8: message empty: empty de text",
        "src/workflow.c:1: status 'in_progress' has no message "
        "status.in_progress in data/messages.xml (xsl/layout.xsl:9)",
        "xsl/layout.xsl:8: message no.such.key is not in data/messages.xml",
        "xsl/layout.xsl:10: message family unknown.* has no source of its "
        "values: add it to tools/checksrc's FAMILIES",
        "xsl/layout.xsl:11: message family mail.*.subject: no mail kind "
        "found in the code (tools/checksrc's extractor no longer matches "
        "it)",
        "xsl/layout.xsl:12: message key $k cannot be checked: use a "
        "literal or concat('family.', value)",
        "xsl/layout.xsl:17: message chosen.missing is not in "
        "data/messages.xml",
    ]),
    ("the tests a document names exist", {
        "docs/security.md": """\
Covered by `test_real` in `tests/unit/test_one.c` and by test_cgi.
Covered by `test_gone`, and by `tests/unit/test_two.c`.
""",
        "tests/unit/test_one.c": """\
static void test_real(void **state) { (void)state; }
int main(void) { const struct CMUnitTest t[] = {
    cmocka_unit_test_setup_teardown(test_real, NULL, NULL) }; }
""",
        "tests/cgi/test_cgi.c": "",
    }, [
        "docs/security.md:2: names test_gone, which no test program has",
        "docs/security.md:2: names tests/unit/test_two.c, which does not "
        "exist",
    ]),
    ("no example town in a shipped file", {
        "examples/musterhausen/site/municipality.xml":
            "<municipality><address><town>Musterhausen</town></address>"
            "</municipality>\n",
        "static/rathaus.css": "/* rathaus */\n/* Stadt Musterhausen */\n",
        "xsl/layout.xsl": "<x>\n<!-- MUSTERHAUSEN -->\n</x>\n",
        "docs/site.md": "Musterhausen is the example.\n",
    }, [
        "static/rathaus.css:2: the example town Musterhausen in a shipped"
        " file: towns belong in examples/ (a site directory)",
        "xsl/layout.xsl:2: the example town MUSTERHAUSEN in a shipped"
        " file: towns belong in examples/ (a site directory)",
    ]),
]


def run(root):
    p = subprocess.run([sys.executable, CHECKSRC, "--root", root],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    return p.returncode, p.stdout.splitlines()


def diag(lines):
    for line in lines:
        print("# " + line)


def main():
    print("1..%d" % (1 + len(CASES)))
    failed = 0
    rc, out = run(TOP)
    if rc == 0 and not out:
        print("ok 1 - the source tree keeps the house rules")
    else:
        failed += 1
        print("not ok 1 - the source tree keeps the house rules "
              "(tools/checksrc: exit %d)" % rc)
        diag(out)
    for n, (name, files, want) in enumerate(CASES, start=2):
        with tempfile.TemporaryDirectory(prefix="checksrc-") as root:
            for rel, text in files.items():
                path = os.path.join(root, rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
            rc, out = run(root)
        if rc == 1 and sorted(out) == sorted(want):
            print("ok %d - %s" % (n, name))
            continue
        failed += 1
        print("not ok %d - %s (exit %d)" % (n, name, rc))
        print("# expected:")
        diag(want)
        print("# got:")
        diag(out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
