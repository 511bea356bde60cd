#include "config.h"

#include <qrencode.h>

#include "buf.h"
#include "qr.h"

/*
 * Encode `text` (byte mode, error correction M) and describe the dark
 * modules as one SVG path of horizontal runs, in module units with the
 * quiet zone included; *size is the full width in modules.
 */
int
qr_path(const char *text, struct buf *path, int *size)
{
	QRcode	*qr;
	int	 x, y, run;

	if ((qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M)) == NULL)
		return -1;
	for (y = 0; y < qr->width; y++) {
		for (x = 0; x < qr->width; x += run ? run : 1) {
			run = 0;
			while (x + run < qr->width &&
			    (qr->data[y * qr->width + x + run] & 1))
				run++;
			if (run > 0)
				buf_printf(path, "M%d %dh%dv1h-%dz",
				    x + QR_QUIET, y + QR_QUIET, run, run);
		}
	}
	*size = qr->width + 2 * QR_QUIET;
	QRcode_free(qr);
	return path->failed ? -1 : 0;
}
