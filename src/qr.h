/* qr: a QR code as SVG path data; the stylesheet wraps it in <svg>. */
#ifndef RATHAUS_QR_H
#define RATHAUS_QR_H

struct buf;

#define QR_QUIET	4	/* modules of quiet zone on each side */

int	 qr_path(const char *text, struct buf *path, int *size);

#endif
