#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "notice.h"
#include "ref.h"
#include "render.h"
#include "staff.h"

/*
 * The document xsl/mail.xsl reads: <mail kind lang account><title xml:lang/>..
 * <ref/> <link/> <status/> <has-message/></mail>; the clerk's message
 * itself stays on the status page, behind the token.
 */
static xmlDocPtr
notice_doc(const struct notice *n, const char *kind, const char *lang,
    const char *ref, const char *link)
{
	xmlDocPtr doc;
	xmlNodePtr root, c, copy;

	if ((doc = xmlNewDoc((const xmlChar *)"1.0")) == NULL)
		return NULL;
	if ((root = xmlNewNode(NULL, (const xmlChar *)"mail")) == NULL) {
		xmlFreeDoc(doc);
		return NULL;
	}
	xmlDocSetRootElement(doc, root);
	if (app_props(root, "kind", kind, "lang", lang, "account",
	    n->account ? "1" : NULL, NULL) != 0 ||
	    app_child(root, "ref", ref) == NULL ||
	    app_child(root, "link", link) == NULL ||
	    (n->status != NULL && app_child(root, "status", n->status) ==
	    NULL) || (n->calendar != NULL && strcmp(kind, "received") == 0 &&
	    app_child(root, "calendar", n->calendar) == NULL) || (n->message != NULL && *n->message != '\0' &&
	    app_child(root, "has-message", NULL) == NULL)) {
		xmlFreeDoc(doc);
		return NULL;
	}
	for (c = xmlDocGetRootElement(n->form->doc)->children; c != NULL;
	    c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, "title") == 0 &&
		    ((copy = xmlDocCopyNode(c, doc, 1)) == NULL ||
		    xmlAddChild(root, copy) == NULL)) {
			xmlFreeNode(copy);
			xmlFreeDoc(doc);
			return NULL;
		}
	return doc;
}

/*
 * Render xsl/mail.xsl in `lang`, whose first line is the subject and the
 * rest after a blank line the body, into the next of n->mails, to `to`.
 */
static int
notice_render(struct notice *n, const char *kind, const char *lang,
    const char *to, const char *ref, const char *link)
{
	const struct render_dirs dirs = { n->app->conf.share_dir,
	    n->app->conf.site_dir, n->app->conf.data_dir };
	struct notice_mail *m;
	struct buf text;
	xmlDocPtr doc;
	char	*body;
	size_t	 off;
	int	 rc = -1;

	if (n->nmails >= NOTICE_MAILS_MAX)
		return -1;
	m = &n->mails[n->nmails];
	buf_init(&text, 8192);
	if ((doc = notice_doc(n, kind, lang, ref, link)) != NULL &&
	    render_text(&dirs, "mail", doc, &text) == 0 &&
	    (body = strstr(buf_str(&text), "\n\n")) != NULL) {
		*body = '\0';
		off = (size_t)(body + 2 - buf_str(&text));
		if ((m->subject = buf_steal(&text)) != NULL) {
			m->to = to;
			m->body = m->subject + off;
			n->nmails++;
			rc = 0;
		}
	}
	if (doc != NULL)
		xmlFreeDoc(doc);
	buf_free(&text);
	return rc;
}

/* The clerk's address from data/clerks.xml, or NULL. */
static const char *
notice_clerk_email(const struct notice *n)
{
	xmlNodePtr c = form_clerk(n->app->share, n->form->clerk);

	for (c = c ? c->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, "email") == 0 &&
		    c->children != NULL && c->children->content != NULL)
			return (const char *)c->children->content;
	return NULL;
}

/*
 * A new submission `ref`: to the citizen (if they gave an address) the
 * reference and the status link, or, sent logged in, the link to its
 * Postkorb (no token: the account opens it, as in notice_status); to
 * the responsible clerk the link into the back office. Rendered now,
 * before the submission's transaction; notice_queue puts them into the
 * outbox inside it.
 */
int
notice_received(struct notice *n, const char *token)
{
	char	 rnd[REF_TOKEN_LEN + 1], *ref = n->mark;
	struct buf link, cal;
	const char *to;
	int	 rc = 0;

	/* Random, so that nothing else in a mail is taken for it. */
	if (ref_token(rnd) == -1)
		return -1;
	snprintf(n->mark, sizeof(n->mark), "ref-%.*s", NOTICE_MARK_LEN - 4,
	    rnd);
	buf_init(&link, 4096);
	buf_init(&cal, 4096);
	if (n->email != NULL && *n->email != '\0') {
		/* A booked appointment: its calendar file, too. */
		if (n->booked) {
			if (app_link(n->app, &cal, "/calendar/", ref,
			    n->account ? NULL : token) != 0)
				rc = -1;
			n->calendar = buf_str(&cal);
		}
		if (rc != 0 || (n->account ? app_link(n->app, &link, "/my/",
		    ref, NULL) : app_link(n->app, &link, "/status/", ref,
		    token)) != 0 || notice_render(n, "received", n->lang,
		    n->email, ref, buf_str(&link)) != 0)
			rc = -1;
		n->calendar = NULL;
	}
	if (rc == 0 && (to = notice_clerk_email(n)) != NULL) {
		buf_reset(&link);
		/* In the town hall's language. */
		if (staff_link(n->app, &link, "/submissions/") != 0 ||
		    buf_printf(&link, "%s", ref) != 0 ||
		    notice_render(n, "new", "de", to, ref, buf_str(&link)) != 0)
			rc = -1;
	}
	buf_free(&link);
	buf_free(&cal);
	return rc;
}

/* `text` with every `mark` replaced by `ref` into `out`; 0, or -1. */
static int
notice_put_ref(struct buf *out, const char *text, const char *mark,
    const char *ref)
{
	size_t	 mlen = strlen(mark);
	const char *p;

	buf_reset(out);
	while (mlen > 0 && (p = strstr(text, mark)) != NULL) {
		buf_add(out, text, (size_t)(p - text));
		buf_addstr(out, ref);
		text = p + mlen;
	}
	buf_addstr(out, text);
	return out->failed ? -1 : 0;
}

/*
 * The store's callback, inside the change's transaction: queue the mails
 * rendered before it, with the reference taken in it. Not 0: the change
 * is rolled back.
 */
int
notice_queue(struct store *s, void *arg, const struct store_receipt *r)
{
	struct notice *n = arg;
	struct buf subject, body;
	size_t	 i;
	int	 rc = 0;

	buf_init(&subject, 4096);
	buf_init(&body, 1u << 20);
	for (i = 0; i < n->nmails && rc == 0; i++)
		if (notice_put_ref(&subject, n->mails[i].subject, n->mark,
		    r->ref) != 0 || notice_put_ref(&body, n->mails[i].body,
		    n->mark, r->ref) != 0 || store_queue_mail(s, r->ref,
		    n->mails[i].to, buf_str(&subject), buf_str(&body)) !=
		    STORE_OK)
			rc = -1;
	buf_free(&subject);
	buf_free(&body);
	if (rc == 0)
		n->app->mail_queued = n->nmails > 0;
	return rc;
}

void
notice_free(struct notice *n)
{
	size_t	 i;

	for (i = 0; i < n->nmails; i++)
		free(n->mails[i].subject);
	n->nmails = 0;
}

/*
 * A status change: to the citizen, if they gave an address. The store's
 * callback, rendered inside the transaction since the link needs the
 * token read there (a clerk's change, not the citizens' rush). A
 * submission sent logged in gets the link to its Postkorb instead (no
 * token: the account opens it), and a message is announced as one there
 * ("postkorb"); the message itself is never in the mail.
 */
int
notice_status(struct store *s, void *arg, const struct store_receipt *r)
{
	struct notice *n = arg;
	struct buf link;
	const char *kind = n->account && n->message != NULL &&
	    *n->message != '\0' ? "postkorb" : "status";
	int	 rc = 0;

	if (n->email == NULL || *n->email == '\0')
		return 0;
	buf_init(&link, 4096);
	if ((n->account ? app_link(n->app, &link, "/my/", r->ref, NULL) :
	    app_link(n->app, &link, "/status/", r->ref, r->token)) != 0 ||
	    notice_render(n, kind, n->lang, n->email, r->ref,
	    buf_str(&link)) != 0 || notice_queue(s, n, r) != 0)
		rc = -1;
	buf_free(&link);
	notice_free(n);
	return rc;
}

/*
 * The citizen answered in the Postkorb: to the responsible clerk, in the
 * town hall's language, that there is an answer, with the link into the
 * back office; the answer itself stays there. The store's callback,
 * inside the answer's transaction.
 */
int
notice_reply(struct store *s, void *arg, const struct store_receipt *r)
{
	struct notice *n = arg;
	struct buf link;
	const char *to = notice_clerk_email(n);
	int	 rc = 0;

	if (to == NULL)
		return 0;
	buf_init(&link, 4096);
	if (staff_link(n->app, &link, "/submissions/") != 0 ||
	    buf_printf(&link, "%s", r->ref) != 0 ||
	    notice_render(n, "reply", "de", to, r->ref, buf_str(&link)) != 0 ||
	    notice_queue(s, n, r) != 0)
		rc = -1;
	buf_free(&link);
	notice_free(n);
	return rc;
}
