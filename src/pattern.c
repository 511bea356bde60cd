#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"
#include "text.h"

/*
 * How it decides. A pattern (an XML Schema regular expression, as libxml2
 * reads it) becomes its position automaton (Glushkov): one state per
 * character class of the pattern, a transition from each to every class
 * that may follow it. libxml2's matcher, failing on a long answer, tries
 * every path of such an automaton over it. Their number stays bounded
 * unless the automaton has infinite degree of ambiguity, which has two
 * forms (Weber and Seidl, 1991):
 *
 * - IDA: states p != q and a text v with p -v-> p, p -v-> q, q -v-> q:
 *   two loops that can take the same text, with a way from the first to
 *   the second that takes it too. Paths grow polynomially: `.*.*x`,
 *   `\d+\s?\d+`, `.+@.+` ('@' is a '.' as well), `a*aa*`.
 * - EDA: a state p with two different paths p -v-> p: a loop that can
 *   read the same text in two ways. Paths grow exponentially: `(a|aa)+`,
 *   `(.*,)*`, `(a{2,})*`.
 *
 * Both are found in products of the automaton with itself (pairs for
 * EDA, triples for IDA; Allauzen, Mohri and Rastogi, 2008). Measured on
 * libxml2 2.9.14 (bench/patterns), every pattern found so took from
 * 40 s to hours on a 64 KiB answer; those without took a few ms, even
 * nested ones like `(a*)*x` or `([a-z]+ ?)+`, which read any text one
 * way. The test is conservative where it must guess: character classes
 * are exact in ASCII and coarse beyond (two classes with non-ASCII
 * characters may be taken to overlap), a counted repetition {n,m} is
 * unrolled up to PATTERN_COPIES and read as unbounded beyond, and a
 * pattern too large to check is refused rather than guessed.
 */

#define PATTERN_POS_MAX		256	/* character classes, unrolled */
#define PATTERN_COPIES		32	/* {n,m} unrolled up to this */
#define PATTERN_WORK_MAX	2000000UL	/* steps of the test: ~10 ms */
#define PATTERN_RE_MAX		1000	/* bytes of a pattern */
#define PATTERN_WAYS_MAX	1000	/* paths open at once */
#define PATTERN_STEPS_MAX	1000000L	/* steps along one answer */
#define PATTERN_WORDS		((PATTERN_POS_MAX + 1 + 63) / 64)

/*
 * A set of characters: ASCII exactly; the rest by hash buckets that may
 * hold some of its characters (`may`) and that it holds wholly (`all`,
 * so that a complement stays a sound over-approximation).
 */
struct pattern_set {
	uint64_t	 ascii[2];
	uint64_t	 may;
	uint64_t	 all;
};

enum pattern_kind { P_EMPTY, P_SYM, P_CAT, P_ALT, P_REP };

struct pattern_node {
	enum pattern_kind kind;
	struct pattern_set set;		/* P_SYM */
	size_t		 at, len;	/* P_SYM: its source */
	long		 min, max;	/* P_REP; max -1: unbounded */
	int		 kid, next;	/* first child, next sibling; -1 */
};

typedef uint64_t pattern_bits[PATTERN_WORDS];

/* What find_many_ways found on the worst text. */
struct pattern_ways {
	size_t		 chars;		/* more than WAYS_MAX open after */
	double		 open;		/* paths open along a long answer */
	double		 steps;		/* summed over the whole answer */
};

/* A part of the automaton: can it be empty, where it starts and ends. */
struct pattern_frag {
	int		 nullable;
	pattern_bits	 first, last;
};

struct pattern {
	const char	*re, *p;
	struct pattern_node *nodes;
	size_t		 nnodes, cap;
	int		 failed;		/* memory, or too large */
	size_t		 npos;			/* states 1..npos; 0 starts */
	struct pattern_set label[PATTERN_POS_MAX + 1];
	size_t		 at[PATTERN_POS_MAX + 1], len[PATTERN_POS_MAX + 1];
	pattern_bits	 follow[PATTERN_POS_MAX + 1];
	pattern_bits	 reach[PATTERN_POS_MAX + 1];	/* in 1 or more steps */
	int		*next[PATTERN_POS_MAX + 1];	/* follow as lists */
	size_t		 nnext[PATTERN_POS_MAX + 1];
	int		*queue;			/* of the IDA search */
	size_t		 qcap;
	unsigned long	 work;
};

static int
bit(const uint64_t *b, size_t i)
{
	return (b[i / 64] >> (i % 64)) & 1;
}

static void
set_bit(uint64_t *b, size_t i)
{
	b[i / 64] |= (uint64_t)1 << (i % 64);
}

static void
bits_or(uint64_t *to, const uint64_t *from)
{
	size_t	 i;

	for (i = 0; i < PATTERN_WORDS; i++)
		to[i] |= from[i];
}

/* Character sets. */

static unsigned
set_bucket(unsigned long cp)
{
	return (unsigned)((cp * 2654435761UL) >> 7) % 64;
}

static void
set_add(struct pattern_set *s, unsigned long cp)
{
	if (cp < 128)
		s->ascii[cp / 64] |= (uint64_t)1 << (cp % 64);
	else
		s->may |= (uint64_t)1 << set_bucket(cp);
}

static void
set_add_range(struct pattern_set *s, unsigned long lo, unsigned long hi)
{
	unsigned long c;

	for (c = lo; c <= hi && c < 128; c++)
		set_add(s, c);
	if (hi >= 128 && hi - (lo > 128 ? lo : 128) >= 256)
		s->may = ~(uint64_t)0;
	else
		for (c = lo > 128 ? lo : 128; c <= hi; c++)
			set_add(s, c);
}

static void
set_not(struct pattern_set *s)
{
	uint64_t may = s->may;

	s->ascii[0] = ~s->ascii[0];
	s->ascii[1] = ~s->ascii[1];
	s->may = ~s->all;
	s->all = ~may;
}

static void
set_or(struct pattern_set *to, const struct pattern_set *from)
{
	to->ascii[0] |= from->ascii[0];
	to->ascii[1] |= from->ascii[1];
	to->may |= from->may;
	to->all |= from->all;
}

/* Can one character be in all of these (NULL: only the first two)? */
static int
set_meet(const struct pattern_set *a, const struct pattern_set *b,
    const struct pattern_set *c)
{
	uint64_t a0 = a->ascii[0] & b->ascii[0], a1 = a->ascii[1] & b->ascii[1];
	uint64_t m = a->may & b->may;

	if (c != NULL) {
		a0 &= c->ascii[0];
		a1 &= c->ascii[1];
		m &= c->may;
	}
	return (a0 | a1 | m) != 0;
}

/* The characters of an ASCII general category: "L", "Lu", "Nd", ... */
static int
set_category(struct pattern_set *s, const char *cat, size_t n)
{
	static const char *const ascii_cats =
	    /* 0x00..0x1f */ "CcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCcCc"
	    /*  !"#$%&'()*+,-./ */ "ZsPoPoPoScPoPoPoPsPePoSmPoPdPoPo"
	    /* 0-9 */ "NdNdNdNdNdNdNdNdNdNd"
	    /* :;<=>?@ */ "PoPoSmSmSmPoPo"
	    /* A-Z */ "LuLuLuLuLuLuLuLuLuLuLuLuLuLuLuLuLuLuLuLuLuLuLuLuLuLu"
	    /* [\]^_` */ "PsPoPeSkPcSk"
	    /* a-z */ "LlLlLlLlLlLlLlLlLlLlLlLlLlLlLlLlLlLlLlLlLlLlLlLlLlLl"
	    /* {|}~ DEL */ "PsSmPeSmCc";
	unsigned long c;

	if (n == 0 || n > 2 || strchr("LMNPZSC", cat[0]) == NULL)
		return -1;
	for (c = 0; c < 128; c++)
		if (ascii_cats[2 * c] == cat[0] &&
		    (n == 1 || ascii_cats[2 * c + 1] == cat[1]))
			set_add(s, c);
	s->may = ~(uint64_t)0;	/* every category has non-ASCII members */
	return 0;
}

/* Parsing, as libxml2's xmlregexp.c reads XML Schema patterns. */

static int
node_new(struct pattern *g, enum pattern_kind kind)
{
	struct pattern_node *v;

	if (g->nnodes == g->cap) {
		if ((v = reallocarray(g->nodes, g->cap ? 2 * g->cap : 64,
		    sizeof(*v))) == NULL) {
			g->failed = 1;
			return -1;
		}
		g->nodes = v;
		g->cap = g->cap ? 2 * g->cap : 64;
	}
	memset(&g->nodes[g->nnodes], 0, sizeof(*g->nodes));
	g->nodes[g->nnodes].kind = kind;
	g->nodes[g->nnodes].kid = g->nodes[g->nnodes].next = -1;
	return (int)g->nnodes++;
}

/* After '\': a single-character escape, or -1 for a class escape. */
static long
parse_single_escape(char c)
{
	switch (c) {
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	default:
		return strchr("\\|.-^?*+{}()[]", c) != NULL && c != '\0' ?
		    (long)(unsigned char)c : -1;
	}
}

/* A class escape after '\' (\d, \p{L}, \n, ...) into `s`; -1 unknown. */
static int
parse_escape(struct pattern *g, struct pattern_set *s)
{
	const char *name;
	long	 c;
	int	 not;

	memset(s, 0, sizeof(*s));
	if ((c = parse_single_escape(*g->p)) >= 0) {
		g->p++;
		set_add(s, (unsigned long)c);
		return 0;
	}
	not = *g->p >= 'A' && *g->p <= 'Z';
	switch (*g->p++) {
	case 's': case 'S':
		set_add(s, ' ');
		set_add(s, '\t');
		set_add(s, '\n');
		set_add(s, '\r');
		break;
	case 'd': case 'D':
		set_add_range(s, '0', '9');
		s->may = ~(uint64_t)0;
		break;
	case 'i': case 'I':	/* name start: letters, '_', ':' */
	case 'c': case 'C':	/* name: also digits, '.', '-' */
		set_add_range(s, 'A', 'Z');
		set_add_range(s, 'a', 'z');
		set_add(s, '_');
		set_add(s, ':');
		if (g->p[-1] == 'c' || g->p[-1] == 'C') {
			set_add_range(s, '0', '9');
			set_add(s, '.');
			set_add(s, '-');
		}
		s->may = ~(uint64_t)0;
		break;
	case 'w': case 'W':	/* all but punctuation, separators, others */
		set_category(s, "L", 1);
		set_category(s, "N", 1);
		set_category(s, "S", 1);
		break;
	case 'p': case 'P':
		if (*g->p++ != '{')
			return -1;
		name = g->p;
		g->p += strcspn(g->p, "}");
		if (*g->p != '}')
			return -1;
		if (g->p - name >= 2 && strncmp(name, "Is", 2) == 0) {
			/* A Unicode block: only BasicLatin holds ASCII. */
			if (g->p - name == 12 &&
			    strncmp(name, "IsBasicLatin", 12) == 0)
				set_add_range(s, 0, 127);
			else
				s->may = ~(uint64_t)0;
		} else if (set_category(s, name, (size_t)(g->p - name)) == -1)
			return -1;
		g->p++;
		break;
	default:
		return -1;
	}
	if (not)
		set_not(s);
	return 0;
}

/* One character of a class, or a class escape; '\0' for its end. */
static int
parse_class_item(struct pattern *g, struct pattern_set *s)
{
	unsigned long lo, hi;
	long	 c;

	memset(s, 0, sizeof(*s));
	if (*g->p == '\\') {
		g->p++;
		if (parse_single_escape(*g->p) < 0 || g->p[1] != '-' ||
		    g->p[2] == ']' || g->p[2] == '[')
			return parse_escape(g, s);
		lo = (unsigned long)parse_single_escape(*g->p++);
	} else
		lo = text_utf8_next(&g->p);
	hi = lo;
	if (*g->p == '-' && g->p[1] != ']' && g->p[1] != '[' &&
	    g->p[1] != '\0') {
		g->p++;
		if (*g->p == '\\' && (c = parse_single_escape(g->p[1])) >= 0) {
			g->p += 2;
			hi = (unsigned long)c;
		} else
			hi = text_utf8_next(&g->p);
	}
	if (hi < lo)
		return -1;
	set_add_range(s, lo, hi);
	return 0;
}

/*
 * [...] after its '['. As libxml2 2.9 reads it: '^' negates only at the
 * start (elsewhere it is a character), and "-[...]" subtracts, which is
 * left out here: the set only grows.
 */
static int
parse_class(struct pattern *g, struct pattern_set *out)
{
	struct pattern_set set, item;
	int	 negated, depth;

	memset(&set, 0, sizeof(set));
	negated = *g->p == '^' && g->p[1] != ']';
	g->p += negated;
	while (*g->p != ']') {
		if (*g->p == '\0')
			return -1;
		if (*g->p == '-' && g->p[1] == '[') {
			for (depth = 0; *g->p != '\0'; g->p++)
				if (*g->p == '\\' && g->p[1] != '\0')
					g->p++;
				else if (*g->p == '[')
					depth++;
				else if (*g->p == ']' && --depth == 0)
					break;
			if (*g->p++ != ']' || *g->p != ']')
				return -1;
			break;
		}
		if (parse_class_item(g, &item) == -1)
			return -1;
		set_or(&set, &item);
	}
	g->p++;
	if (negated)
		set_not(&set);
	*out = set;
	return 0;
}

static int parse_regexp(struct pattern *);

static int
parse_atom(struct pattern *g)
{
	const char *start = g->p;
	int	 n;

	if (*g->p == '(') {
		g->p++;
		n = parse_regexp(g);
		if (*g->p != ')')
			return -1;
		g->p++;
		return n;
	}
	if ((n = node_new(g, P_SYM)) == -1)
		return -1;
	if (*g->p == '[') {
		g->p++;
		if (parse_class(g, &g->nodes[n].set) == -1)
			return -1;
	} else if (*g->p == '\\') {
		g->p++;
		if (parse_escape(g, &g->nodes[n].set) == -1)
			return -1;
	} else if (*g->p == '.') {
		g->p++;
		set_not(&g->nodes[n].set);
		g->nodes[n].set.ascii[0] &= ~(((uint64_t)1 << '\n') |
		    ((uint64_t)1 << '\r'));
	} else
		set_add(&g->nodes[n].set, text_utf8_next(&g->p));
	g->nodes[n].at = (size_t)(start - g->re);
	g->nodes[n].len = (size_t)(g->p - start);
	return n;
}

/* A count of {n,m}; large ones need not be exact (see build_rep). */
static long
parse_count(struct pattern *g)
{
	long	 n = 0;

	if (*g->p < '0' || *g->p > '9')
		return -1;
	for (; *g->p >= '0' && *g->p <= '9'; g->p++)
		if (n < 100000)
			n = n * 10 + (*g->p - '0');
	return n;
}

/* An atom and its quantifier: ?, *, +, {n}, {n,}, {n,m}. */
static int
parse_piece(struct pattern *g)
{
	int	 atom, rep;
	long	 min, max;

	if ((atom = parse_atom(g)) == -1)
		return -1;
	switch (*g->p) {
	case '?':
		min = 0, max = 1;
		break;
	case '*':
		min = 0, max = -1;
		break;
	case '+':
		min = 1, max = -1;
		break;
	case '{':
		g->p++;
		if ((min = parse_count(g)) == -1)
			return -1;
		max = min;
		if (*g->p == ',') {
			g->p++;
			max = *g->p == '}' ? -1 : parse_count(g);
		}
		if (*g->p != '}' || (max != -1 && max < min))
			return -1;
		break;
	default:
		return atom;
	}
	g->p++;
	if ((rep = node_new(g, P_REP)) == -1)
		return -1;
	g->nodes[rep].kid = atom;
	g->nodes[rep].min = min;
	g->nodes[rep].max = max;
	return rep;
}

/* Pieces up to '|', ')' or the end. */
static int
parse_branch(struct pattern *g)
{
	int	 cat, piece, last = -1;

	if ((cat = node_new(g, P_CAT)) == -1)
		return -1;
	while (*g->p != '\0' && *g->p != '|' && *g->p != ')') {
		if ((piece = parse_piece(g)) == -1)
			return -1;
		if (last == -1)
			g->nodes[cat].kid = piece;
		else
			g->nodes[last].next = piece;
		last = piece;
	}
	return cat;
}

static int
parse_regexp(struct pattern *g)
{
	int	 alt, branch, last;

	if ((branch = parse_branch(g)) == -1 || *g->p != '|')
		return branch;
	if ((alt = node_new(g, P_ALT)) == -1)
		return -1;
	g->nodes[alt].kid = last = branch;
	while (*g->p == '|') {
		g->p++;
		if ((branch = parse_branch(g)) == -1)
			return -1;
		g->nodes[last].next = branch;
		last = branch;
	}
	return alt;
}

/* The position automaton (Glushkov). */

static void
frag_empty(struct pattern_frag *f)
{
	memset(f, 0, sizeof(*f));
	f->nullable = 1;
}

/* `a` followed by `b`, into `a`. */
static void
frag_cat(struct pattern *g, struct pattern_frag *a,
    const struct pattern_frag *b)
{
	size_t	 p;

	for (p = 0; p <= g->npos; p++)
		if (bit(a->last, p))
			bits_or(g->follow[p], b->first);
	if (a->nullable)
		bits_or(a->first, b->first);
	if (!b->nullable)
		memcpy(a->last, b->last, sizeof(a->last));
	else
		bits_or(a->last, b->last);
	a->nullable = a->nullable && b->nullable;
}

/* `f` repeated: its ends lead back to its starts. */
static void
frag_loop(struct pattern *g, struct pattern_frag *f)
{
	size_t	 p;

	for (p = 0; p <= g->npos; p++)
		if (bit(f->last, p))
			bits_or(g->follow[p], f->first);
}

static void build(struct pattern *, int, struct pattern_frag *);

/*
 * x{min,max}: min copies of x (the last one looping when unbounded),
 * then max - min nested optional ones, x(x(x)?)?. A bound beyond
 * PATTERN_COPIES is read as unbounded, with one optional copy before the
 * loop: like the many copies it stands for, and unlike a plain x*, it
 * reads xx in two ways when repeated itself ((a{0,30}){0,30} is slow,
 * (a*)* is not).
 */
static void
build_rep(struct pattern *g, const struct pattern_node *n,
    struct pattern_frag *out)
{
	struct pattern_frag k, tail;
	long	 min = n->min, max = n->max, i, must;
	int	 large = max > PATTERN_COPIES;

	if (large)
		max = -1;
	if (min > PATTERN_COPIES)
		min = PATTERN_COPIES;
	frag_empty(out);
	must = max == -1 && min > 0 ? min - 1 : min;
	for (i = 0; i < must; i++) {
		build(g, n->kid, &k);
		frag_cat(g, out, &k);
	}
	if (max == -1) {
		if (large) {
			build(g, n->kid, &k);
			k.nullable = 1;
			frag_cat(g, out, &k);
		}
		build(g, n->kid, &k);
		frag_loop(g, &k);
		k.nullable = k.nullable || min == 0;
		frag_cat(g, out, &k);
		return;
	}
	frag_empty(&tail);
	for (i = 0; i < max - min; i++) {
		build(g, n->kid, &k);
		frag_cat(g, &k, &tail);
		k.nullable = 1;
		tail = k;
	}
	frag_cat(g, out, &tail);
}

static void
build(struct pattern *g, int i, struct pattern_frag *out)
{
	const struct pattern_node *n = &g->nodes[i];
	struct pattern_frag k;
	size_t	 p;
	int	 c;

	frag_empty(out);
	/* Too large already: the verdict is made, copies of copies of a
	 * nested count would only take long to say it. */
	if (g->failed)
		return;
	switch (n->kind) {
	case P_EMPTY:
		break;
	case P_SYM:
		if (g->npos == PATTERN_POS_MAX) {
			g->failed = 1;
			break;
		}
		p = ++g->npos;
		g->label[p] = n->set;
		g->at[p] = n->at;
		g->len[p] = n->len;
		out->nullable = 0;
		set_bit(out->first, p);
		set_bit(out->last, p);
		break;
	case P_CAT:
		for (c = n->kid; c != -1; c = g->nodes[c].next) {
			build(g, c, &k);
			frag_cat(g, out, &k);
		}
		break;
	case P_ALT:
		out->nullable = 0;
		for (c = n->kid; c != -1; c = g->nodes[c].next) {
			build(g, c, &k);
			out->nullable = out->nullable || k.nullable;
			bits_or(out->first, k.first);
			bits_or(out->last, k.last);
		}
		break;
	case P_REP:
		build_rep(g, n, out);
		break;
	}
}

/* Follow lists and reachability, for the searches below. */
static int
automaton(struct pattern *g)
{
	size_t	 p, q, k;

	for (p = 0; p <= g->npos; p++) {
		if ((g->next[p] = calloc(g->npos + 1, sizeof(int))) == NULL)
			return -1;
		for (q = 1; q <= g->npos; q++)
			if (bit(g->follow[p], q))
				g->next[p][g->nnext[p]++] = (int)q;
		memcpy(g->reach[p], g->follow[p], sizeof(g->reach[p]));
	}
	for (k = 0; k <= g->npos; k++)
		for (p = 0; p <= g->npos; p++)
			if (bit(g->reach[p], k))
				bits_or(g->reach[p], g->reach[k]);
	return 0;
}

/* p and q lie on one cycle: a path stays within that set. */
static int
same_scc(const struct pattern *g, size_t p, size_t q)
{
	return bit(g->reach[p], q) && bit(g->reach[q], p);
}

/* The position listed first in a message: the earlier in the source. */
static int
earlier(const struct pattern *g, size_t p, size_t q)
{
	return g->at[p] < g->at[q] || (g->at[p] == g->at[q] && p < q);
}

/*
 * EDA: Tarjan's strongly connected components of the pairs of states
 * reachable from (0, 0); a component with a pair (p, p) and a pair
 * (q, r), q != r, holds two ways around a loop. *found: such a p, the
 * earliest in the source; 0 for none. -1: out of memory or work.
 */
static int
find_eda(struct pattern *g, size_t *found)
{
	struct frame { int v, a, b; } *call;
	size_t	 n = (g->npos + 1) * (g->npos + 1), ncall = 0, nstack = 0;
	int	*index, *low, *stack, next = 0, v, w, x, y, top, diag, other;
	unsigned char *on;
	int	 rc = -1;

	*found = 0;
	index = malloc(n * sizeof(int));
	low = malloc(n * sizeof(int));
	stack = malloc(n * sizeof(int));
	call = malloc(n * sizeof(*call));
	on = calloc(n, 1);
	if (index == NULL || low == NULL || stack == NULL || call == NULL ||
	    on == NULL)
		goto out;
	memset(index, -1, n * sizeof(int));
	call[ncall++] = (struct frame){ 0, 0, 0 };
	index[0] = low[0] = next++;
	stack[nstack++] = 0;
	on[0] = 1;
	while (ncall > 0) {
		struct frame *f = &call[ncall - 1];
		size_t	 p = (size_t)f->v / (g->npos + 1);
		size_t	 q = (size_t)f->v % (g->npos + 1);

		if ((size_t)f->a < g->nnext[p]) {
			x = g->next[p][f->a];
			y = f->b < (int)g->nnext[q] ? g->next[q][f->b] : -1;
			if (y == -1) {
				f->a++;
				f->b = 0;
				continue;
			}
			f->b++;
			if (++g->work > PATTERN_WORK_MAX)
				goto out;
			if (!set_meet(&g->label[x], &g->label[y], NULL))
				continue;
			w = x * (int)(g->npos + 1) + y;
			if (index[w] == -1) {
				index[w] = low[w] = next++;
				stack[nstack++] = w;
				on[w] = 1;
				call[ncall++] = (struct frame){ w, 0, 0 };
			} else if (on[w] && index[w] < low[f->v])
				low[f->v] = index[w];
			continue;
		}
		v = f->v;
		ncall--;
		if (ncall > 0 && low[v] < low[call[ncall - 1].v])
			low[call[ncall - 1].v] = low[v];
		if (low[v] != index[v])
			continue;
		diag = -1;
		other = 0;
		do {
			top = stack[--nstack];
			on[top] = 0;
			x = top / (int)(g->npos + 1);
			y = top % (int)(g->npos + 1);
			if (x != y)
				other = 1;
			else if (diag == -1 || earlier(g, (size_t)x,
			    (size_t)diag))
				diag = x;
		} while (top != v);
		if (other && diag > 0 && (*found == 0 ||
		    earlier(g, (size_t)diag, *found)))
			*found = (size_t)diag;
	}
	rc = 0;
out:
	free(index);
	free(low);
	free(stack);
	free(call);
	free(on);
	return rc;
}

/*
 * IDA for one pair: a path in the triple product from (p, p, q) to
 * (p, q, q), the first component staying on p's cycles, the third on
 * q's. 1 found, 0 not, -1 out of memory or work.
 */
static int
queue_add(struct pattern *g, size_t at, long t)
{
	int	*v;

	if (at == g->qcap) {
		if ((v = reallocarray(g->queue, g->qcap ? 2 * g->qcap : 1024,
		    sizeof(*v))) == NULL)
			return -1;
		g->queue = v;
		g->qcap = g->qcap ? 2 * g->qcap : 1024;
	}
	g->queue[at] = (int)t;
	return 0;
}

static int
find_ida_pair(struct pattern *g, size_t p, size_t q, uint64_t *seen)
{
	size_t	 n1 = g->npos + 1, head = 0, tail = 0, i, a, b, c;
	long	 start = (long)((p * n1 + p) * n1 + q);
	long	 goal = (long)((p * n1 + q) * n1 + q), t, u;
	size_t	 x, y, z;
	int	 rc = 0;

	if (queue_add(g, tail++, start) == -1)
		return -1;
	set_bit(seen, (size_t)start);
	while (head < tail && rc == 0) {
		t = g->queue[head++];
		x = (size_t)t / (n1 * n1);
		y = (size_t)t / n1 % n1;
		z = (size_t)t % n1;
		for (a = 0; a < g->nnext[x] && rc == 0; a++) {
			if (!same_scc(g, (size_t)g->next[x][a], p))
				continue;
			for (b = 0; b < g->nnext[y] && rc == 0; b++)
				for (c = 0; c < g->nnext[z] && rc == 0; c++) {
					if (++g->work > PATTERN_WORK_MAX) {
						rc = -1;
						break;
					}
					if (!same_scc(g, (size_t)g->next[z][c], q) ||
					    !set_meet(&g->label[g->next[x][a]],
					    &g->label[g->next[y][b]],
					    &g->label[g->next[z][c]]))
						continue;
					u = ((long)g->next[x][a] * (long)n1 +
					    g->next[y][b]) * (long)n1 +
					    g->next[z][c];
					if (u == goal)
						rc = 1;
					else if (!bit(seen, (size_t)u)) {
						set_bit(seen, (size_t)u);
						if (queue_add(g, tail++, u) == -1)
							rc = -1;
					}
				}
		}
	}
	for (i = 0; i < tail; i++)	/* leave `seen` clear for the next */
		seen[(size_t)g->queue[i] / 64] = 0;
	return rc;
}

/* IDA: the pair (p, q) earliest in the source, or -1 (memory, work). */
static int
find_ida(struct pattern *g, size_t *fp, size_t *fq)
{
	size_t	 n1 = g->npos + 1, n3 = n1 * n1 * n1, p, q;
	uint64_t *seen;
	int	 rc = 0, r;

	*fp = *fq = 0;
	if ((seen = calloc(n3 / 64 + 1, sizeof(*seen))) == NULL)
		rc = -1;
	for (p = 1; p <= g->npos && rc == 0; p++)
		for (q = 1; q <= g->npos && rc == 0; q++) {
			if (p == q || !bit(g->reach[p], p) ||
			    !bit(g->reach[q], q) || !bit(g->reach[p], q) ||
			    (*fp != 0 && !(earlier(g, p, *fp) ||
			    (p == *fp && earlier(g, q, *fq)))))
				continue;
			if ((r = find_ida_pair(g, p, q, seen)) == -1)
				rc = -1;
			else if (r == 1) {
				*fp = p;
				*fq = q;
			}
		}
	free(seen);
	return rc;
}

/*
 * What the matcher tries, counted as paths over the texts it is slowest
 * on (as adversarial.h builds them: one kind of character over and
 * over, or two in turn; a kind is the set of states that take it).
 * Two limits: at no point more than PATTERN_WAYS_MAX paths at once,
 * which (.{0,32}){0,7} breaks after 7 characters without any unbounded
 * loop; and, summed over an answer of `length` characters, at most
 * PATTERN_STEPS_MAX steps (about 85 ms for libxml2 2.9.14 on this
 * machine kind): .*[0-9]{1,30}x keeps 31 paths open all along a long
 * answer. The states are simulated for 2 * npos + 8 characters, after
 * which the number of open paths stays as it is; the rest is counted
 * at that rate. -1: out of memory or work.
 */
static int
find_many_ways(struct pattern *g, long length, struct pattern_ways *w)
{
	pattern_bits *kind, sig;
	double	*now, *then, open, last, steps;
	size_t	 nkinds = 0, i, j, k, p, a;
	size_t	 sim = 2 * g->npos + 8;
	unsigned c;
	int	 rc = -1;

	memset(w, 0, sizeof(*w));
	kind = calloc(128 + 64, sizeof(*kind));
	now = calloc(g->npos + 1, sizeof(*now));
	then = calloc(g->npos + 1, sizeof(*then));
	if (kind == NULL || now == NULL || then == NULL)
		goto out;
	/* The kinds of character: ASCII ones, then the non-ASCII buckets. */
	for (c = 0; c < 128 + 64; c++) {
		memset(sig, 0, sizeof(sig));
		for (p = 1; p <= g->npos; p++)
			if (c < 128 ? (g->label[p].ascii[c / 64] >> (c % 64)) & 1 :
			    (g->label[p].may >> (c - 128)) & 1)
				set_bit(sig, p);
		for (i = 0; i < nkinds && memcmp(kind[i], sig, sizeof(sig)); i++)
			;
		if (i == nkinds && memcmp(sig, (pattern_bits){ 0 },
		    sizeof(sig)) != 0)
			memcpy(kind[nkinds++], sig, sizeof(sig));
	}
	if ((size_t)length < sim)
		sim = (size_t)length;
	for (i = 0; i < nkinds; i++)
		for (j = 0; j < nkinds; j++) {
			memset(now, 0, (g->npos + 1) * sizeof(*now));
			now[0] = 1;
			for (steps = last = 0, k = 1; k <= sim; k++) {
				memset(then, 0, (g->npos + 1) * sizeof(*then));
				for (p = 0; p <= g->npos; p++)
					for (a = 0; now[p] > 0 &&
					    a < g->nnext[p]; a++) {
						if (++g->work > PATTERN_WORK_MAX)
							goto out;
						if (bit(kind[k % 2 ? i : j],
						    (size_t)g->next[p][a]))
							then[g->next[p][a]] +=
							    now[p];
					}
				for (open = 0, p = 0; p <= g->npos; p++)
					open += now[p] = then[p];
				if (open > PATTERN_WAYS_MAX && w->chars == 0)
					w->chars = k;
				steps += open;
				if (k + 1 >= sim && open > last)
					last = open;	/* the rate, of both turns */
			}
			steps += last * (double)((size_t)length - sim);
			if (steps > w->steps) {
				w->steps = steps;
				w->open = last;
			}
		}
	rc = 0;
out:
	free(kind);
	free(now);
	free(then);
	return rc;
}

/* "'\d' at character 7": a state by its source, counted in characters. */
static void
describe(const struct pattern *g, size_t p, char *out, size_t size)
{
	size_t	 i, chars = 1;

	for (i = 0; i < g->at[p]; i++)
		chars += ((unsigned char)g->re[i] & 0xc0) != 0x80;
	snprintf(out, size, "'%.*s' at character %zu", (int)g->len[p],
	    g->re + g->at[p], chars);
}

/*
 * The verdict on pattern `re` for answers of at most `length` characters
 * (a field's maxlength; more than PATTERN_LENGTH_MAX counts as that);
 * `why` says what is wrong.
 */
enum pattern_verdict
pattern_check(const char *re, long length, char *why, size_t size)
{
	struct pattern *g;
	struct pattern_frag whole;
	struct pattern_ways ways;
	enum pattern_verdict v = PATTERN_COMPLEX;
	char	 a[128], b[128];
	size_t	 p, q, i;
	int	 root;

	snprintf(why, size, "%s", "");
	if (length < 0 || length > PATTERN_LENGTH_MAX)
		length = PATTERN_LENGTH_MAX;
	if (strlen(re) > PATTERN_RE_MAX || (g = calloc(1, sizeof(*g))) == NULL)
		return PATTERN_COMPLEX;
	g->re = g->p = re;
	root = parse_regexp(g);
	if (root == -1 || *g->p != '\0' || g->failed)
		goto out;
	build(g, root, &whole);
	memcpy(g->follow[0], whole.first, sizeof(whole.first));
	if (g->failed || automaton(g) == -1 || find_eda(g, &p) == -1)
		goto out;
	if (p != 0) {
		describe(g, p, a, sizeof(a));
		snprintf(why, size, "%s can be read in more than one way in "
		    "a repetition", a);
		v = PATTERN_SLOW;
		goto out;
	}
	if (find_ida(g, &p, &q) == -1)
		goto out;
	if (p != 0) {
		describe(g, p, a, sizeof(a));
		describe(g, q, b, sizeof(b));
		snprintf(why, size, "%s and %s can read the same text", a, b);
		v = PATTERN_SLOW;
		goto out;
	}
	if (find_many_ways(g, length, &ways) == -1)
		goto out;
	v = PATTERN_SLOW;
	if (ways.chars != 0)
		snprintf(why, size, "it can read the same %zu characters in "
		    "more than %d ways", ways.chars, PATTERN_WAYS_MAX);
	else if (ways.steps > PATTERN_STEPS_MAX)
		snprintf(why, size, "it tries %.0f ways at once along an "
		    "answer, %.0f steps for %ld characters (at most %ld)",
		    ways.open, ways.steps, length, PATTERN_STEPS_MAX);
	else
		v = PATTERN_OK;
out:
	for (i = 0; i <= PATTERN_POS_MAX; i++)
		free(g->next[i]);
	free(g->queue);
	free(g->nodes);
	free(g);
	return v;
}
