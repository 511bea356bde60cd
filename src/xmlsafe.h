/*
 * xmlsafe: the one way the engine reads XML that people write or send
 * (service definitions and the shared lists beside them, bank
 * statements): never the network, never an entity expanded, never a DTD.
 * The parser stops at a DOCTYPE, before the first declaration in it:
 * that is where every entity attack (XXE, "billion laughs") starts, and
 * nothing rathaus reads needs one.
 */
#ifndef RATHAUS_XMLSAFE_H
#define RATHAUS_XMLSAFE_H

#include <stddef.h>
#include <libxml/tree.h>

struct xmlsafe_err {
	long	 doctype;	/* > 0: refused, the DOCTYPE's line */
	char	 message[160];	/* libxml2's first line of the last error */
};

xmlDocPtr xmlsafe_read(const char *name, const char *data, size_t len,
	    const char *encoding, int options, struct xmlsafe_err *);

#endif
