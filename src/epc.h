/*
 * epc: paying by bank transfer. The EPC QR code (EPC069-12, "GiroCode")
 * that fills in a SEPA credit transfer, and ISO 11649 RF creditor
 * references made from our references, so that a bank statement's entry
 * finds its submission again (camt_).
 */
#ifndef RATHAUS_EPC_H
#define RATHAUS_EPC_H

#include "ref.h"

struct buf;

#define EPC_RF_MAX		26	/* "RF" + 2 check digits + 21 and NUL */
#define EPC_RF_PRINT_MAX	32	/* in groups of four, with spaces */
#define EPC_PAYLOAD_MAX		331	/* bytes: QR version 13, level M */
#define EPC_NAME_MAX		70	/* characters */
#define EPC_RF_LEN_MAX		35	/* the structured reference field */
#define EPC_TEXT_MAX		140	/* characters */
#define EPC_AMOUNT_MAX		99999999999L	/* cents: 999999999.99 */

int	 epc_rf_make(const char *body, char out[EPC_RF_MAX]);
int	 epc_rf(const char *ref, char out[EPC_RF_MAX]);
int	 epc_rf_valid(const char *rf);
int	 epc_rf_ref(const char *rf, char ref[REF_MAX]);
int	 epc_rf_print(const char *rf, char out[EPC_RF_PRINT_MAX]);
int	 epc_payload(struct buf *, const char *bic, const char *name,
	    const char *iban, long amount_cents, const char *rf,
	    const char *text, const char *purpose);
int	 epc_qr(const struct buf *payload, struct buf *path, int *size);

#endif
