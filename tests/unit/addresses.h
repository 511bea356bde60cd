/*
 * E-mail addresses at the boundary of what the portal takes: a form's
 * email field accepts exactly those that mail_format can send to
 * (test_valid.c and test_mail.c check both lists, both ways).
 */
#ifndef RATHAUS_TEST_ADDRESSES_H
#define RATHAUS_TEST_ADDRESSES_H

#define A10	"aaaaaaaaaa"
#define B10	"bbbbbbbbbb"
#define C10	"cccccccccc"

/* Sent to as they are. */
static const char *const addresses_good[] = {
	"erika@example.org",
	"e@x.de",
	"Erika.Mustermann@Wiesmoor.DE",
	"erika+portal@mail.example.org",
	"o'brien@example.ie",
	"!#$%&'*+-/=?^_`{|}~@example.org",
	"erika@xn--bcher-kva.de",		/* bücher.de, as DNS has it */
	"erika@a-b.example.org",
	"erika@1und1.de",
	"erika@example.xn--p1ai",
	/* local part of 64, a label of 63 */
	A10 A10 A10 A10 A10 A10 "aaaa@" B10 B10 B10 B10 B10 B10 "bbb.de",
	/* 254 in all */
	A10 A10 A10 A10 A10 A10 "aaaa@" C10 C10 C10 C10 C10 C10 "ccc."
	    C10 C10 C10 C10 C10 C10 "ccc." C10 C10 C10 C10 C10 "cccccccc.de",
};

/* Refused: by the form with the error "email", by mail_format with -1. */
static const char *const addresses_bad[] = {
	"erika",
	"erika@",
	"@example.org",
	"erika@example",
	"erika@@example.org",
	"erika@ex@ample.org",
	"er ika@example.org",
	"Erika <erika@example.org>",
	"erika@example.org, evil@example.org",
	"erika@example.org;evil@example.org",
	"erika@example.org\nBcc: evil@example.org",
	"\"erika\"@example.org",
	"eri(ka)@example.org",
	"erika@[127.0.0.1]",
	"erika@127.0.0.1",
	"m\xc3\xbcller@example.org",		/* no SMTPUTF8 */
	"erika@b\xc3\xbc" "cher.de",		/* no IDNA: write xn-- */
	".erika@example.org",
	"erika.@example.org",
	"eri..ka@example.org",
	"erika@.example.org",
	"erika@example..org",
	"erika@example.org.",
	"erika@-example.org",
	"erika@example-.org",
	"erika@exa_mple.org",
	"erika@example.o",
	"erika@example.123",
	"erika@example.org\\",
	/* local part of 65 */
	A10 A10 A10 A10 A10 A10 "aaaaa@example.org",
	/* a label of 64 */
	"erika@" B10 B10 B10 B10 B10 B10 "bbbb.de",
	/* 255 in all */
	A10 A10 A10 A10 A10 A10 "aaaa@" C10 C10 C10 C10 C10 C10 "ccc."
	    C10 C10 C10 C10 C10 C10 "ccc." C10 C10 C10 C10 C10 "ccccccccc.de",
};

#endif
