#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "xmlsafe.h"

/* Whatever a caller asks for, these never: entities, DTDs, huge trees. */
#define XMLSAFE_NEVER	(XML_PARSE_NOENT | XML_PARSE_DTDLOAD | \
			 XML_PARSE_DTDATTR | XML_PARSE_DTDVALID | \
			 XML_PARSE_HUGE | XML_PARSE_XINCLUDE)

static void
xmlsafe_doctype(void *ctx, const xmlChar *name, const xmlChar *public_id,
    const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	long	*line = ctxt->_private;

	(void)name;
	(void)public_id;
	(void)system_id;
	*line = ctxt->input != NULL && ctxt->input->line > 0 ?
	    ctxt->input->line : 1;
	xmlStopParser(ctxt);
}

/*
 * The document in data[len], or with `data` NULL in the file `name`
 * (`name` also names it in libxml2's messages), in `encoding` (NULL: as
 * its XML declaration says); NULL when it is not
 * well-formed or has a DOCTYPE (err->doctype: its line). Errors go to the
 * structured error handler the caller set, and the last one's first line
 * into err->message.
 */
xmlDocPtr
xmlsafe_read(const char *name, const char *data, size_t len,
    const char *encoding, int options, struct xmlsafe_err *err)
{
	xmlParserCtxtPtr ctx;
	xmlDocPtr doc;
	const xmlError *x;

	memset(err, 0, sizeof(*err));
	if (data != NULL && len > INT_MAX) {
		snprintf(err->message, sizeof(err->message), "too large");
		return NULL;
	}
	if ((ctx = xmlNewParserCtxt()) == NULL) {
		snprintf(err->message, sizeof(err->message), "out of memory");
		return NULL;
	}
	ctx->_private = &err->doctype;
	ctx->sax->internalSubset = xmlsafe_doctype;
	options = (options & ~XMLSAFE_NEVER) | XML_PARSE_NONET;
	doc = data != NULL ? xmlCtxtReadMemory(ctx, data, (int)len, name,
	    encoding, options) : xmlCtxtReadFile(ctx, name, encoding, options);
	if ((x = xmlCtxtGetLastError(ctx)) != NULL && x->message != NULL)
		snprintf(err->message, sizeof(err->message), "%.*s",
		    (int)strcspn(x->message, "\n"), x->message);
	xmlFreeParserCtxt(ctx);
	if (err->doctype != 0 && doc != NULL) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return doc;
}
