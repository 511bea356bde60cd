#include "config.h"

#include <qrencode.h>

#include "buf.h"
#include "qr.h"

/* `n` (0 or more) in decimal. */
static void
qr_num(struct buf *b, int n)
{
	char	 d[12];
	size_t	 i = sizeof(d);

	do
		d[--i] = (char)('0' + n % 10);
	while ((n /= 10) > 0 && i > 0);
	buf_add(b, d + i, sizeof(d) - i);
}

/*
 * "M<x> <y>h<run>v1h-<run>z": one run of dark modules. Written digit by
 * digit: buf_printf's vsnprintf for each of the ~600 runs was half of a
 * receipt's QR code (1.6 M of 2.7 M instructions).
 */
static void
qr_run(struct buf *b, int x, int y, int run)
{
	buf_addch(b, 'M');
	qr_num(b, x);
	buf_addch(b, ' ');
	qr_num(b, y);
	buf_addch(b, 'h');
	qr_num(b, run);
	buf_addstr(b, "v1h-");
	qr_num(b, run);
	buf_addch(b, 'z');
}

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
				qr_run(path, x + QR_QUIET, y + QR_QUIET, run);
		}
	}
	*size = qr->width + 2 * QR_QUIET;
	QRcode_free(qr);
	return path->failed ? -1 : 0;
}
