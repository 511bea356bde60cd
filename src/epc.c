#include "config.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "epc.h"
#include "qr.h"
#include "text.h"
#include "valid.h"

#define EPC_ALNUM	"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define EPC_QR_WIDTH_MAX	69	/* modules of version 13 */

/*
 * The RF creditor reference (ISO 11649) of `body`, 1 to 21 letters and
 * digits: "RF", two check digits that make the whole, its first four
 * characters moved to the end, 1 mod 97 (ISO 7064 MOD 97-10), the body.
 * The machine form: no spaces.
 */
int
epc_rf_make(const char *body, char out[EPC_RF_MAX])
{
	char	 tmp[EPC_RF_MAX];
	size_t	 len = strlen(body);
	int	 r, n;

	if (len == 0 || len > EPC_RF_MAX - 5 || strspn(body, EPC_ALNUM) != len)
		return -1;
	n = snprintf(tmp, sizeof(tmp), "RF00%s", body);
	if (n < 0 || (size_t)n >= sizeof(tmp) || (r = text_mod97(tmp)) < 0)
		return -1;
	n = snprintf(out, EPC_RF_MAX, "RF%02d%s", 98 - r, body);
	return n < 0 || n >= EPC_RF_MAX ? -1 : 0;
}

/* The RF reference of our reference: its digits, "2026-000123-4" gives
 * "RF..20260001234". */
int
epc_rf(const char *ref, char out[EPC_RF_MAX])
{
	char	 digits[REF_MAX];
	size_t	 n = 0;

	if (!ref_valid(ref))
		return -1;
	for (; *ref != '\0'; ref++)
		if (*ref != '-')
			digits[n++] = *ref;
	digits[n] = '\0';
	return epc_rf_make(digits, out);
}

/* The machine form of an RF reference with valid check digits. */
int
epc_rf_valid(const char *rf)
{
	size_t	 len = strlen(rf);

	return len >= 5 && len <= EPC_RF_MAX - 1 && rf[0] == 'R' &&
	    rf[1] == 'F' && rf[2] >= '0' && rf[2] <= '9' && rf[3] >= '0' &&
	    rf[3] <= '9' && text_mod97(rf) == 1;
}

/* Our reference back from an RF reference made by epc_rf, or -1. */
int
epc_rf_ref(const char *rf, char ref[REF_MAX])
{
	const char *b = rf + 4;
	size_t	 len;
	int	 n;

	if (!epc_rf_valid(rf))
		return -1;
	len = strlen(b);
	if (len < 11 || len > 14 || strspn(b, "0123456789") != len)
		return -1;
	n = snprintf(ref, REF_MAX, "%.4s-%.*s-%c", b, (int)(len - 5), b + 4,
	    b[len - 1]);
	if (n < 0 || n >= REF_MAX || !ref_valid(ref)) {
		*ref = '\0';
		return -1;
	}
	return 0;
}

/* The printed form: groups of four, "RF18 5390 0754 7034". */
int
epc_rf_print(const char *rf, char out[EPC_RF_PRINT_MAX])
{
	size_t	 i, o = 0;

	if (!epc_rf_valid(rf))
		return -1;
	for (i = 0; rf[i] != '\0'; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = ' ';
		out[o++] = rf[i];
	}
	out[o] = '\0';
	return 0;
}

/*
 * A text field of the payload: valid UTF-8 of 1..max characters, nothing
 * that could end a line or hide (controls, tab included).
 */
static int
epc_text_ok(const char *s, size_t max)
{
	size_t	 chars = 0;
	const char *p;

	if (*s == '\0' || !text_utf8_valid(s, strlen(s)) ||
	    text_has_controls(s) || strpbrk(s, "\t\r\n") != NULL)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			chars++;
	return chars <= max;
}

static int
epc_empty(const char *s)
{
	return s == NULL || *s == '\0';
}

/*
 * The EPC QR code payload (EPC069-12, version 002, UTF-8, SEPA credit
 * transfer), appended to `out`: BCD, 002, 1, SCT, the BIC (may be empty
 * in version 002), the payee's name (1..70 characters), the IBAN (mod 97,
 * written without spaces in upper case), the amount EUR12.50
 * (0.01..999999999.99), the purpose code (0..4 letters or digits), then
 * either an RF creditor reference or an unstructured text of at most 140
 * characters, never both. Lines end with LF; the last filled one has
 * none (empty fields at the end are left out). At most 331 bytes.
 * -1 when any of it breaks the standard; `out` is then as it was.
 */
int
epc_payload(struct buf *out, const char *bic, const char *name,
    const char *iban, long amount_cents, const char *rf, const char *text,
    const char *purpose)
{
	char	 acct[64];
	const char *field[11];
	char	 amount[24];
	size_t	 start = out->len, nf, i;
	int	 n;

	if (!epc_empty(bic) && ((strlen(bic) != 8 && strlen(bic) != 11) ||
	    strspn(bic, EPC_ALNUM) != strlen(bic)))
		return -1;
	if (name == NULL || !epc_text_ok(name, EPC_NAME_MAX))
		return -1;
	n = snprintf(acct, sizeof(acct), "%s", iban != NULL ? iban : "");
	if (n < 0 || (size_t)n >= sizeof(acct) || !valid_iban(acct))
		return -1;
	if (amount_cents < 1 || amount_cents > EPC_AMOUNT_MAX)
		return -1;
	if (!epc_empty(purpose) && (strlen(purpose) > 4 ||
	    strspn(purpose, EPC_ALNUM) != strlen(purpose)))
		return -1;
	if (!epc_empty(rf) && (strlen(rf) > EPC_RF_LEN_MAX ||
	    !epc_rf_valid(rf)))
		return -1;
	if (!epc_empty(text) && !epc_text_ok(text, EPC_TEXT_MAX))
		return -1;
	if (!epc_empty(rf) && !epc_empty(text))
		return -1;
	snprintf(amount, sizeof(amount), "EUR%ld.%02ld", amount_cents / 100,
	    amount_cents % 100);
	field[0] = "BCD";
	field[1] = "002";
	field[2] = "1";
	field[3] = "SCT";
	field[4] = bic != NULL ? bic : "";
	field[5] = name;
	field[6] = acct;
	field[7] = amount;
	field[8] = purpose != NULL ? purpose : "";
	field[9] = rf != NULL ? rf : "";
	field[10] = text != NULL ? text : "";
	for (nf = 11; nf > 8 && *field[nf - 1] == '\0'; nf--)
		;
	for (i = 0; i < nf; i++)
		buf_printf(out, "%s%s", i > 0 ? "\n" : "", field[i]);
	if (out->failed || out->len - start > EPC_PAYLOAD_MAX) {
		if (!out->failed) {
			out->len = start;
			out->data[start] = '\0';
		}
		return -1;
	}
	return 0;
}

/*
 * The QR code of a payload as SVG path data (qr_path: byte mode, error
 * correction M), at most version 13 (69 modules) as EPC069-12 asks.
 */
int
epc_qr(const struct buf *payload, struct buf *path, int *size)
{
	if (payload->failed || payload->len == 0 ||
	    payload->len > EPC_PAYLOAD_MAX ||
	    strlen(buf_str(payload)) != payload->len ||
	    qr_path(buf_str(payload), path, size) != 0)
		return -1;
	return *size - 2 * QR_QUIET <= EPC_QR_WIDTH_MAX ? 0 : -1;
}
