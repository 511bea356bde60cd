#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "app.h"
#include "buf.h"
#include "remind.h"
#include "render.h"
#include "store_booking.h"
#include "xmlsafe.h"

/*
 * The latest start a run at `now` reminds of: the end of tomorrow from
 * REMIND_HOUR on, else the end of today (what a run yesterday evening
 * missed).
 */
static int
remind_until(const char *now, char until[CAL_SLOT_LEN])
{
	struct when_date d;
	int	 minute;

	if (cal_parse_slot(now, &d, &minute) != 0)
		return -1;
	if (minute >= REMIND_HOUR * 60)
		when_from_days(when_days(&d) + 1, &d);
	cal_format_slot(&d, 23 * 60 + 59, until);
	return 0;
}

/*
 * <mail kind="reminder" lang account><title xml:lang/>..<ref/><link/>
 * <calendar/></mail> for xsl/mail.xsl.
 */
static xmlDocPtr
remind_doc(const struct conf *c, const struct store_reminder *r)
{
	struct xmlsafe_err err;
	struct buf link, cal;
	xmlDocPtr doc, def = NULL;
	xmlNodePtr root, n, copy;
	int	 ok;

	if ((doc = xmlNewDoc((const xmlChar *)"1.0")) == NULL ||
	    (root = xmlNewNode(NULL, (const xmlChar *)"mail")) == NULL) {
		xmlFreeDoc(doc);
		return NULL;
	}
	xmlDocSetRootElement(doc, root);
	buf_init(&link, 4096);
	buf_init(&cal, 4096);
	/* Made logged in: the Postkorb, behind the login; else the token. */
	if (r->account) {
		buf_printf(&link, "%s%s/my/%s", c->base_url, c->script, r->ref);
		buf_printf(&cal, "%s%s/calendar/%s", c->base_url, c->script,
		    r->ref);
	} else {
		buf_printf(&link, "%s%s/status/%s?token=%s", c->base_url,
		    c->script, r->ref, r->token);
		buf_printf(&cal, "%s%s/calendar/%s?token=%s", c->base_url,
		    c->script, r->ref, r->token);
	}
	ok = !link.failed && !cal.failed && app_props(root, "kind", "reminder",
	    "lang", r->lang, "account", r->account ? "1" : NULL, NULL) == 0 &&
	    app_child(root, "ref", r->ref) != NULL &&
	    app_child(root, "link", buf_str(&link)) != NULL &&
	    app_child(root, "calendar", buf_str(&cal)) != NULL;
	buf_free(&link);
	buf_free(&cal);
	if (ok && r->definition_xml != NULL && (def = xmlsafe_read("definition",
	    r->definition_xml, strlen(r->definition_xml), "UTF-8",
	    XML_PARSE_NONET, &err)) != NULL)
		for (n = xmlDocGetRootElement(def)->children; ok && n != NULL;
		    n = n->next)
			if (n->type == XML_ELEMENT_NODE &&
			    xmlStrcmp(n->name, (const xmlChar *)"title") == 0 &&
			    ((copy = xmlDocCopyNode(n, doc, 1)) == NULL ||
			    xmlAddChild(root, copy) == NULL)) {
				xmlFreeNode(copy);
				ok = 0;
			}
	xmlFreeDoc(def);
	if (!ok) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/*
 * Booked only after its reminder was due (from REMIND_HOUR the evening
 * before, or the same day): the citizen knows; no reminder for it.
 */
static int
remind_late(const struct store_reminder *r)
{
	struct when_date d;
	char	 local[WHEN_ISO_MAX], eve[CAL_SLOT_LEN];
	int	 minute;

	if (cal_parse_slot(r->start, &d, &minute) != 0 ||
	    when_local_iso(r->created, local) != 0)
		return 0;
	when_from_days(when_days(&d) - 1, &d);
	cal_format_slot(&d, REMIND_HOUR * 60, eve);
	return strncmp(local, eve, CAL_SLOT_LEN - 1) >= 0;
}

int
remind_queue(const struct conf *c, struct store *s,
    const char now[CAL_SLOT_LEN], long *queued)
{
	const struct render_dirs dirs = { c->share_dir, c->site_dir,
	    c->data_dir };
	struct store_reminder *r = NULL;
	struct buf text;
	xmlDocPtr doc;
	char	 until[CAL_SLOT_LEN], iso[21], *body;
	size_t	 n = 0, i;
	int	 rc = 0, q, rendered;

	*queued = 0;
	if (remind_until(now, until) != 0 || when_now_iso(iso) == -1 ||
	    store_reminders_due(s, now, until, &r, &n) != STORE_OK)
		return -1;
	/* One that fails (the lock busy at 18:00, a mail that does not
	 * render) is said and left for the next run; the others go on. */
	for (i = 0; i < n; i++) {
		if (remind_late(&r[i]))
			continue;
		buf_init(&text, 65536);
		rendered = (doc = remind_doc(c, &r[i])) != NULL &&
		    render_text(&dirs, "mail", doc, &text) == 0 &&
		    (body = strstr(text.data, "\n\n")) != NULL;
		q = STORE_ERROR;
		if (rendered) {
			*body = '\0';
			q = store_remind(s, r[i].id, r[i].ref, r[i].email,
			    text.data, body + 2, iso);
		}
		if (q == STORE_OK)
			(*queued)++;
		else if (q != STORE_CONFLICT) {
			fprintf(stderr, "rathaus: reminder of %s not queued:"
			    " %s\n", r[i].ref, rendered ? store_errmsg(s) :
			    "the mail does not render");
			rc = -1;
		}
		xmlFreeDoc(doc);
		buf_free(&text);
	}
	store_reminders_free(r, n);
	return rc;
}
