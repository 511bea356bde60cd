/*
 * net: libcurl, loaded when a request first needs it (a mail to send, a
 * payment provider to call). Linked in, libcurl with its TLS, LDAP,
 * Kerberos and SSH libraries doubled the start-up work of every CGI
 * request, most of which never send anything (docs/PERFORMANCE.md).
 * mail_ and paypal_ call libcurl through these pointers only.
 */
#ifndef RATHAUS_NET_H
#define RATHAUS_NET_H

#include <curl/curl.h>

struct net_curl {
	CURLcode	 (*global_init)(long);
	void		 (*global_cleanup)(void);
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_perform)(CURL *);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	void		 (*easy_cleanup)(CURL *);
	const char	*(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		 (*slist_free_all)(struct curl_slist *);
};

/* libcurl's functions, loaded on the first call; NULL if it cannot be. */
const struct net_curl *net_curl(void);

#endif
